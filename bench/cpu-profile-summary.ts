/**
 * Sums the self time of each function in a V8 .cpuprofile (what `node --cpu-prof` writes, and what
 * BENCH_PROFILE_DIR makes the many-users gatehouse write) and prints the top ones as shares of the
 * time the thread was busy, then the same by file.
 *
 *   node bench/cpu-profile-summary.ts <file.cpuprofile> [--last <seconds>] [--skip-end <seconds>] [--top <n>]
 *
 * --last keeps only the samples of the profile's last seconds (the load, not the start-up and
 * seeding before it); --skip-end leaves out its very end (the shutdown). Idle samples are left out
 * of the shares. The profile samples wall time: a frame that waits in a system call (a socket
 * write that wakes the peer) is charged that wait.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { last: { type: 'string', default: '0' }, 'skip-end': { type: 'string', default: '0' }, top: { type: 'string', default: '30' } },
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write('usage: node bench/cpu-profile-summary.ts <file.cpuprofile> [--last <seconds>] [--skip-end <seconds>] [--top <n>]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const from = Number(values.last) > 0 ? profile.endTime - Number(values.last) * 1e6 : profile.startTime;
const until = profile.endTime - Number(values['skip-end']) * 1e6;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at < from || at > until || byId.get(id)?.callFrame.functionName === '(idle)') return;
  selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
});
const busy = [...selfTime.values()].reduce((a, b) => a + b, 0);

// node_modules/<package>/… and app/src/… keep their place; node's own modules keep their name.
const where = (url: string): string => url.replace(/^.*\/(node_modules\/[^/]+|app\/src|bench|e2e)\//, '$1/').replace(/^file:\/\//, '');
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, time] of selfTime) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  const place = frame.url === '' ? '' : ` ${where(frame.url)}:${frame.lineNumber + 1}`;
  const name = `${frame.functionName || '(anonymous)'}${place}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  const fileName = frame.url === '' ? frame.functionName : where(frame.url);
  byFile.set(fileName, (byFile.get(fileName) ?? 0) + time);
}
const top = (map: Map<string, number>, n: number): string =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, time]) => `${((100 * time) / busy).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
const n = Number(values.top);
process.stdout.write(`${(busy / 1e6).toFixed(1)} s busy in the window\n\nself time by function:\n${top(byFunction, n)}\n\nby file:\n${top(byFile, Math.ceil(n / 2))}\n`);
