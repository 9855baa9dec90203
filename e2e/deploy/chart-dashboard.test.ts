/**
 * The Grafana dashboard in the chart: off by default; on, one ConfigMap carrying the dashboard
 * JSON of chart/files/ unchanged, labelled for Grafana's dashboard sidecar; and the ServiceMonitor
 * keeps gatehouse's `endpoint` label, which the dashboard groups by, over the operator's own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, renderChart } from './support/helm.ts';
import { at, kinds, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const render = async (values: Record<string, unknown> = {}): Promise<Manifest[]> => parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
const configMaps = (manifests: Manifest[]): string[] => manifests.filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name);

describe('chart: Grafana dashboard', () => {
  it('is not rendered by default', async () => {
    assert.deepEqual(configMaps(await render()), ['gh-gatehouse']);
  });

  it('is one ConfigMap with the dashboard JSON, labelled grafana_dashboard for the sidecar', async () => {
    const manifests = await render({ dashboard: { enabled: true, annotations: { grafana_folder: 'Auth' } } });
    const map = only(manifests, 'ConfigMap', 'gh-gatehouse-dashboard');
    assert.equal(map.metadata.labels?.['grafana_dashboard'], '1');
    assert.equal(map.metadata.annotations?.['grafana_folder'], 'Auth');
    const shipped = JSON.parse(at(map, 'data', 'gatehouse.json') as string) as unknown;
    assert.deepEqual(shipped, JSON.parse(readFileSync(join(CHART_DIR, 'files/grafana-dashboard.json'), 'utf8')));
    assert.ok(kinds(manifests).includes('Deployment'));
    const relabelled = await render({ dashboard: { enabled: true, labels: { 'grafana-dashboards': 'gatehouse' } } });
    assert.deepEqual(only(relabelled, 'ConfigMap', 'gh-gatehouse-dashboard').metadata.labels?.['grafana-dashboards'], 'gatehouse');
  });

  it("the ServiceMonitor honours gatehouse's labels, so `endpoint` is not renamed exported_endpoint", async () => {
    const monitor = only(await render({ serviceMonitor: { enabled: true } }), 'ServiceMonitor');
    assert.equal(at(monitor, 'spec', 'endpoints', 0, 'honorLabels'), true);
  });
});
