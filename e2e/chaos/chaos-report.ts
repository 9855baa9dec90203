/**
 * The chaos report: for each phase of a run, the answers counted per series (through nginx or
 * straight to a replica, the route, a valid session or not) and status, with the largest and
 * 99th-percentile latency, then the recovery times and what was checked. Markdown, written to
 * docs/chaos-report.md by the run and printed.
 */
import { writeFileSync } from 'node:fs';
import type { PhaseTally } from './phase-tally.ts';

/** One section of the report: a fault or the rollout, its phases and what was measured. */
export interface ReportSection {
  readonly title: string;
  /** What was done, and the bounds asserted. */
  readonly description: string;
  readonly phases: readonly PhaseTally[];
  /** Named measurements, e.g. "replica 0 recovered" → "1.2 s". */
  readonly measurements: ReadonlyArray<readonly [string, string]>;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function phaseTable(phase: PhaseTally): string {
  const statuses = [...new Set([...phase.counts.values()].flatMap((counts) => [...counts.keys()]))].sort();
  const seconds = ((phase.endedAt ?? performance.now()) - phase.startedAt) / 1000;
  const rows = [...phase.counts.keys()].sort().map((series) => {
    const counts = phase.counts.get(series) as Map<string, number>;
    const latencies = phase.latencies.get(series) ?? [];
    const cells = statuses.map((status) => String(counts.get(status) ?? ''));
    return `| ${series} | ${cells.join(' | ')} | ${percentile(latencies, 99).toFixed(0)} | ${Math.max(0, ...latencies).toFixed(0)} |`;
  });
  const head = `| series | ${statuses.join(' | ')} | p99 ms | max ms |\n| --- | ${statuses.map(() => '---:').join(' | ')} | ---: | ---: |`;
  const retries = phase.retries === 0 ? '' : `\n\n${phase.retries} request(s) sent again on a new connection after a reused keep-alive connection was closed under them (as browsers do).`;
  const violations = (phase.violations.length === 0 ? '' : `\n\nViolations: ${phase.violations.slice(0, 10).join('; ')}`) + retries;
  if (rows.length === 0) return `#### ${phase.name} (${seconds.toFixed(1)} s)\n\nNo answer arrived in this phase.`;
  return `#### ${phase.name} (${seconds.toFixed(1)} s)\n\n${head}\n${rows.join('\n')}${violations}`;
}

/** Renders the whole report. */
export function renderChaosReport(intro: string, sections: readonly ReportSection[]): string {
  const parts = sections.map((section) => {
    const measured = section.measurements.length === 0 ? '' : `\n\n${section.measurements.map(([name, value]) => `- ${name}: ${value}`).join('\n')}`;
    return `## ${section.title}\n\n${section.description}${measured}\n\n${section.phases.map(phaseTable).join('\n\n')}`;
  });
  return `${intro}\n\n${parts.join('\n\n')}\n`;
}

/** Prints the report, and writes it to `path` when one is given. */
export function writeChaosReport(path: string | undefined, text: string): void {
  if (path !== undefined) writeFileSync(path, text);
  process.stdout.write(text);
}
