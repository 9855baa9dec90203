#!/usr/bin/env node
/**
 * `make soak`: the long soak (SOAK_SECONDS, 600 by default) at 80 % of the measured maximum rate.
 * Writes its table to docs/soak.md and its plot to docs/soak.svg, and exits 1 when a bound breaks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../stack/gatehouse-process.ts';
import { SOAK_BOUNDS } from './soak-bounds.ts';
import { soakSvg, soakTable } from './soak-report.ts';
import { runSoak } from './soak-run.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const result = await runSoak({ seconds, log: (line) => process.stdout.write(`soak: ${line}\n`) });
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const statuses = [...result.statuses].map(([status, count]) => `${status}: ${count}`).join(', ');
const rates = result.samples.filter((s) => s.t > 0).map((s) => s.rate);
const achieved = rates.reduce((sum, rate) => sum + rate, 0) / Math.max(1, rates.length);
const text = `# Soak

Written by \`make soak\` (e2e/soak/run-soak.ts) on ${when} UTC: one gatehouse on the Redis store at the
chart's log level (info: one line per check), ${result.confinement} (see memory.md),
${seconds} s at 80 % of the maximum rate measured just
before (${result.maxRate.toFixed(0)} checks/s, so ${result.targetRate} checks/s), over 32 keep-alive connections:
17 in 20 checks carry one of 20 signed-in sessions, 2 a fresh garbage cookie each, 1 none, and a
sign-in and a sign-out every 5 s. The machine has 2 cores shared with other work (load average at the
start: ${result.loadAverage.map((n) => n.toFixed(1)).join(', ')}), so the rate and delays are those of a busy machine.
\`make test\` runs the same for 60 s (e2e/soak/soak.test.ts).

Sampled every 10 s: RSS (/proc/<pid>/status), the heap and the event-loop delay of the 10 s window
(gatehouse's own /metrics: gatehouse_nodejs_heap_size_used_bytes, gatehouse_nodejs_eventloop_lag_p99_seconds
and _max_seconds), open descriptors (/proc/<pid>/fd) and Redis connections (INFO clients).
Bounds, from the end of a ${SOAK_BOUNDS.warmupSeconds} s warm-up to the highest later sample: RSS +${SOAK_BOUNDS.rssGrowthMiB} MiB,
heap in use +${SOAK_BOUNDS.heapUsedGrowthMiB} MiB, descriptors +${SOAK_BOUNDS.fdGrowth}, Redis connections unchanged, event-loop
p99 under ${SOAK_BOUNDS.lagP99Ms} ms in every window, every check answered 200 (valid) or 401 (not).

Answers: ${statuses}. Asked for ${result.targetRate} checks/s, answered ${achieved.toFixed(0)} on average (${Math.min(...rates).toFixed(0)} to
${Math.max(...rates).toFixed(0)} per window); ${result.skipped} checks were not sent because 2,000 were already waiting, i.e. whenever
the machine's other work left gatehouse less CPU than when the maximum was measured.
Result: ${result.problems.length === 0 ? 'every bound held' : result.problems.join('; ')}.

![soak plot](soak.svg)

${soakTable(result.samples)}
`;
writeFileSync(join(REPO_ROOT, 'docs', 'soak.md'), text);
writeFileSync(join(REPO_ROOT, 'docs', 'soak.svg'), soakSvg(result.samples, `gatehouse soak: ${result.targetRate} checks/s for ${seconds} s (${when} UTC)`));
process.stdout.write(text);
process.exitCode = result.problems.length === 0 ? 0 : 1;
