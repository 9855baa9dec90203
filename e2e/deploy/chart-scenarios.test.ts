/**
 * Every install scenario in chart/ci/ lints (strict) and renders with the real helm, for the
 * oldest supported and a current Kubernetes, and every rendered object validates against the
 * Kubernetes schemas, unknown fields included.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, KUBE_VERSIONS, renderChart, runHelm, valueArgs } from './support/helm.ts';
import { kinds, parseManifests } from './support/manifests.ts';
import type { LabelledManifests } from './support/strict-fields.ts';
import { unknownFieldProblems } from './support/strict-fields.ts';
import { validateManifests } from './support/validate-manifests.ts';

const SCENARIOS = readdirSync(join(CHART_DIR, 'ci')).filter((name) => name.endsWith('-values.yaml')).sort();

describe('chart scenarios in chart/ci', () => {
  const rendered: LabelledManifests[] = [];
  // The smallest install: one Deployment and one Service, so that each injected fault shows once.
  const smallest = (): LabelledManifests | undefined => rendered.find((r) => r.label.startsWith('default-values.yaml'));

  it('has scenarios to check', () => {
    assert.ok(SCENARIOS.length >= 5, `only ${SCENARIOS.length} scenarios`);
  });

  for (const scenario of SCENARIOS) {
    for (const kubeVersion of KUBE_VERSIONS) {
      const label = `${scenario} on Kubernetes ${kubeVersion}`;
      const options = { valuesFiles: [`chart/ci/${scenario}`], kubeVersion };

      it(`${label}: helm lint --strict passes`, async () => {
        const result = await runHelm(['lint', CHART_DIR, '--strict', ...valueArgs(options)]);
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      });

      it(`${label}: renders objects that validate against the Kubernetes schemas`, async () => {
        const manifests = parseManifests(await renderChart(options));
        assert.ok(kinds(manifests).includes('Deployment'), `no Deployment in ${kinds(manifests).join(', ')}`);
        for (const manifest of manifests) {
          assert.ok(manifest.metadata.name.length <= 63, `${manifest.kind} name too long: ${manifest.metadata.name}`);
          if (manifest.kind !== 'Pod') assert.equal(manifest.metadata.namespace, 'auth', `${manifest.kind} ${manifest.metadata.name} lacks the namespace`);
        }
        assert.deepEqual(await validateManifests(manifests), []);
        rendered.push({ label, manifests });
      });
    }
  }

  it('no rendered object has an unknown or mistyped field', () => {
    assert.equal(rendered.length, SCENARIOS.length * KUBE_VERSIONS.length, 'a scenario failed to render above');
    assert.deepEqual(unknownFieldProblems(rendered), []);
  });

  it('the schema check does catch a wrong type and a missing field', async () => {
    const first = smallest();
    assert.ok(first);
    const broken = structuredClone(first.manifests).map((m) =>
      m.kind === 'Deployment' ? { ...m, spec: { ...(m['spec'] as object), replicas: 'three', selector: undefined } } : m,
    );
    const problems = await validateManifests(broken);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', /Deployment .*selector/);
    assert.match(problems[0] ?? '', /replicas must be integer/);
  });

  it('the unknown-field check does catch a misspelt field', () => {
    const first = smallest();
    assert.ok(first);
    const broken = structuredClone(first.manifests).map((m) =>
      m.kind === 'Service' ? { ...m, spec: { ...(m['spec'] as object), typo: 'ClusterIP' } } : m,
    );
    const problems = unknownFieldProblems([{ label: 'broken', manifests: broken }]);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] ?? '', /Service .*'"?typo"?' does not exist/);
  });
});
