/**
 * The real helm binary (put into .tools/ by scripts/install-helm.sh) run against the chart, with
 * its home, cache and config in a temporary directory so that it never touches the user's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { removeAtExit } from '../../support/exit-cleanup.ts';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'chart');
const HELM = join(REPO_ROOT, '.tools', 'helm', 'helm');

/** Kubernetes versions every scenario renders for: the oldest the chart supports and a current one. */
export const KUBE_VERSIONS = ['1.27.0', '1.33.0'] as const;

let installed: Promise<void> | undefined;
let home: string | undefined;

function helmHome(): string {
  if (home === undefined) {
    home = mkdtempSync(join(tmpdir(), 'gatehouse-helm-'));
    removeAtExit(home);
  }
  return home;
}

/** What one helm run printed. */
export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs helm with `args`; never throws for a non-zero exit (the result carries it). Without a
 * `kubeconfig` helm sees no cluster at all.
 */
export async function runHelm(args: readonly string[], kubeconfig?: string): Promise<HelmResult> {
  installed ??= execFileAsync(join(REPO_ROOT, 'scripts', 'install-helm.sh')).then(() => undefined);
  await installed;
  const dir = helmHome();
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    // A kubeconfig that does not exist keeps helm from finding the user's cluster.
    KUBECONFIG: kubeconfig ?? join(dir, 'no-kubeconfig'),
  };
  try {
    const { stdout, stderr } = await execFileAsync(HELM, [...args], { env, cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

/** How to render the chart. */
export interface RenderOptions {
  /** Values files, relative to the repository root (e.g. `chart/ci/default-values.yaml`). */
  readonly valuesFiles?: readonly string[];
  /** Values given inline, written to a temporary file and applied after the files. */
  readonly values?: Record<string, unknown>;
  readonly kubeVersion?: string;
  readonly release?: string;
  readonly namespace?: string;
  /** Render against this (fake) cluster, so that `lookup` reads from it. */
  readonly kubeconfig?: string;
}

/** The values and Kubernetes version arguments of template and lint. */
export function valueArgs(options: RenderOptions): string[] {
  return [...valuesOnlyArgs(options), '--kube-version', options.kubeVersion ?? KUBE_VERSIONS[1]];
}

/** The values arguments alone (`helm install` has no --kube-version). */
function valuesOnlyArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  for (const file of options.valuesFiles ?? []) args.push('-f', join(REPO_ROOT, file));
  if (options.values !== undefined) {
    const file = join(helmHome(), `values-${process.hrtime.bigint()}.yaml`);
    writeFileSync(file, stringify(options.values));
    args.push('-f', file);
  }
  return args;
}

/** `helm template`; resolves with the result so that a test can assert on a failure too. */
export function templateChart(options: RenderOptions = {}): Promise<HelmResult> {
  const args = ['template', options.release ?? 'gh', CHART_DIR, '--namespace', options.namespace ?? 'auth', ...valueArgs(options)];
  // The fake cluster serves no OpenAPI documents, and the objects are validated separately anyway.
  if (options.kubeconfig !== undefined) args.push('--dry-run=server', '--disable-openapi-validation');
  return runHelm(args, options.kubeconfig);
}

/** `helm template` that must succeed; resolves with the rendered YAML. */
export async function renderChart(options: RenderOptions = {}): Promise<string> {
  const result = await templateChart(options);
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

/** The NOTES.txt helm prints after an install (client-side dry run: no cluster needed). */
export async function renderNotes(options: RenderOptions = {}): Promise<string> {
  const result = await runHelm([
    'install', options.release ?? 'gh', CHART_DIR, '--namespace', options.namespace ?? 'auth', '--dry-run=client', ...valuesOnlyArgs(options),
  ]);
  if (result.code !== 0) throw new Error(`helm install --dry-run failed:\n${result.stderr}`);
  const start = result.stdout.indexOf('NOTES:\n');
  if (start < 0) throw new Error(`no NOTES in:\n${result.stdout}`);
  return result.stdout.slice(start + 'NOTES:\n'.length);
}
