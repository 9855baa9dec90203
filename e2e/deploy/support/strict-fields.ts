/**
 * Unknown-field check: the API server (with kubectl's default strict field validation) refuses a
 * misspelt field such as `imagePullPolicyy`, but kubernetes-models' runtime validators accept it.
 * Its TypeScript types do not: each object is written out as a literal that must `satisfies` the
 * kind's interface, and the compiler's excess-property check names every unknown field.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './helm.ts';
import type { Manifest } from './manifests.ts';
import { CUSTOM_KINDS, modelModule } from './validate-manifests.ts';

// A virtual file inside the repository, so that module resolution finds node_modules/kubernetes-models.
const VIRTUAL_FILE = join(REPO_ROOT, 'e2e', 'deploy', 'support', '__rendered-manifests__.ts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
};

/** A labelled set of objects, e.g. one scenario's render. */
export interface LabelledManifests {
  readonly label: string;
  readonly manifests: readonly Manifest[];
}

/** Resolves with one message per unknown or mistyped field across every set (one compile for all). */
export function unknownFieldProblems(sets: readonly LabelledManifests[]): string[] {
  const lines: string[] = [];
  const owners: string[] = [];
  const imported = new Map<string, string>();
  for (const { label, manifests } of sets) {
    for (const manifest of manifests) {
      if (`${manifest.apiVersion}/${manifest.kind}` in CUSTOM_KINDS) continue;
      const module = modelModule(manifest.apiVersion, manifest.kind);
      let alias = imported.get(module);
      if (alias === undefined) {
        alias = `T${imported.size}`;
        imported.set(module, alias);
        lines.unshift(`import type { I${manifest.kind} as ${alias} } from '${module}';`);
      }
      owners.push(`${label}: ${manifest.kind} ${manifest.metadata.name}`);
      lines.push(`export const m${owners.length - 1} = ${JSON.stringify(manifest)} satisfies ${alias};`);
    }
  }
  const source = lines.join('\n');
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === VIRTUAL_FILE ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === VIRTUAL_FILE || fileExists(name);
  const program = ts.createProgram([VIRTUAL_FILE], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== VIRTUAL_FILE || diagnostic.start === undefined) return message;
    // Each object is one line `export const m<i> = …`: the line names the object.
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const match = /^export const m(\d+) /.exec(source.split('\n')[line] ?? '');
    return match ? `${owners[Number(match[1])]}: ${message}` : message;
  });
}
