/**
 * Checks a Grafana dashboard against a Prometheus exposition: every metric a query selects has
 * samples there, and every label a query matches on, groups by or joins on is carried by the
 * metrics it applies to. Label values are not checked (a reason or endpoint that has not happened
 * yet is still a fine query); names are, because a misspelt name draws an empty panel silently.
 */
import { readPromqlNames } from './promql-names.ts';

/** Labels Prometheus adds to every scraped sample (the scrape's target), not in the exposition. */
export const TARGET_LABELS: ReadonlySet<string> = new Set(['job', 'instance']);

/** One query of the dashboard and where it is. */
export interface DashboardQuery {
  /** The panel title, or `variable <name>`. */
  readonly where: string;
  readonly expr: string;
}

/** Sample name → the label names seen on its samples, from the Prometheus text format. */
export function exposedNames(exposition: string): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!match) continue;
    const labels = names.get(match[1] as string) ?? new Set<string>();
    for (const pair of (match[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(pair[1] as string);
    names.set(match[1] as string, labels);
  }
  return names;
}

type Panel = { title?: string; targets?: Array<{ expr?: string }>; panels?: Panel[] };
type Dashboard = { panels?: Panel[]; templating?: { list?: Array<{ name?: string; query?: string | { query?: string } }> } };

/** Every query of a dashboard: panel targets (rows' nested panels too) and `label_values` variables. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  const walk = (panels: readonly Panel[] | undefined): void => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) if (target.expr !== undefined) queries.push({ where: panel.title ?? '(untitled)', expr: target.expr });
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(<metric>, <label>) lists a label's values: both names must exist.
    const values = query === undefined ? null : /^label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(query);
    if (values) queries.push({ where: `variable ${variable.name}`, expr: `count by (${values[2]}) (${values[1]})` });
  }
  return queries;
}

/** The problems of `queries` against `exposed`, one line each naming the panel; empty when all hold. */
export function checkQueries(queries: readonly DashboardQuery[], exposed: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems: string[] = [];
  const has = (metric: string, label: string): boolean => TARGET_LABELS.has(label) || (exposed.get(metric)?.has(label) ?? false);
  for (const { where, expr } of queries) {
    let names;
    try {
      names = readPromqlNames(expr);
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message} in ${expr}`);
      continue;
    }
    if (names.selectors.length === 0) problems.push(`${where}: selects no metric: ${expr}`);
    for (const { metric, labels } of names.selectors) {
      if (!exposed.has(metric)) {
        problems.push(`${where}: ${metric} is not in the exposition`);
        continue;
      }
      for (const label of labels) if (!has(metric, label)) problems.push(`${where}: ${metric} has no label ${label}`);
    }
    for (const { labels, metrics } of names.groupings) {
      for (const metric of metrics.filter((m) => exposed.has(m))) {
        for (const label of labels) if (!has(metric, label)) problems.push(`${where}: ${metric} has no label ${label} to group or match by`);
      }
    }
  }
  return problems;
}
