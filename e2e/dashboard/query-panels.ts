/**
 * Each panel of the dashboard as Grafana would query it: its targets' PromQL, with the dashboard
 * variables and Grafana's `$__rate_interval` filled in, sent to a real Prometheus's range-query API
 * (prometheus.io/docs/prometheus/latest/querying/api/#range-queries), with the legend formats applied.
 */

/** One drawn line. */
export interface Series {
  readonly name: string;
  /** [unix seconds, value]; NaN and missing points are left out. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** Where a panel sits on Grafana's 24-column grid. */
export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A panel with its data, or a row heading. */
export type QueriedPanel =
  | { readonly type: 'row'; readonly title: string; readonly gridPos: GridPos }
  | { readonly type: 'timeseries'; readonly title: string; readonly gridPos: GridPos; readonly unit: string; readonly stacked: boolean; readonly series: readonly Series[] };

type DashboardPanel = {
  type: string;
  title: string;
  gridPos: GridPos;
  fieldConfig?: { defaults?: { unit?: string; custom?: { stacking?: { mode?: string } } } };
  targets?: Array<{ expr: string; legendFormat?: string }>;
};

/** What to fill in and which window to query. */
export interface QueryWindow {
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
  /** Grafana's $__rate_interval: at least four scrape intervals. */
  readonly rateInterval: string;
  /** Values of the dashboard's variables, e.g. `{ job: 'gatehouse' }`. */
  readonly variables: Readonly<Record<string, string>>;
}

function fill(expr: string, window: QueryWindow): string {
  let filled = expr.replace(/\$__rate_interval|\$\{__rate_interval\}/g, window.rateInterval);
  for (const [name, value] of Object.entries(window.variables)) filled = filled.replaceAll(`$${name}`, value).replaceAll(`\${${name}}`, value);
  return filled;
}

function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format) return Object.entries(metric).map(([k, v]) => `${k}="${v}"`).join(', ') || 'value';
  return format.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, label: string) => metric[label] ?? '');
}

async function queryRange(prometheus: string, expr: string, window: QueryWindow): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>> {
  const url = new URL('/api/v1/query_range', prometheus);
  url.search = new URLSearchParams({ query: expr, start: String(window.start), end: String(window.end), step: String(window.stepSeconds) }).toString();
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus refused ${expr}: ${body.error ?? response.status}`);
  return body.data.result;
}

/** Queries every panel of `dashboard` over `window`. */
export async function queryPanels(dashboard: { panels: DashboardPanel[] }, prometheus: string, window: QueryWindow): Promise<QueriedPanel[]> {
  const out: QueriedPanel[] = [];
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') {
      out.push({ type: 'row', title: panel.title, gridPos: panel.gridPos });
      continue;
    }
    const series: Series[] = [];
    for (const target of panel.targets ?? []) {
      for (const result of await queryRange(prometheus, fill(target.expr, window), window)) {
        const points = result.values.map(([t, v]) => [t, Number(v)] as const).filter(([, v]) => Number.isFinite(v));
        series.push({ name: legend(target.legendFormat, result.metric), points });
      }
    }
    out.push({
      type: 'timeseries',
      title: panel.title,
      gridPos: panel.gridPos,
      unit: panel.fieldConfig?.defaults?.unit ?? 'short',
      stacked: panel.fieldConfig?.defaults?.custom?.stacking?.mode === 'normal',
      series: series.sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return out;
}
