/**
 * CPU time the benchmark's servers used, from /proc: utime + stime of every process this one
 * started (and theirs: nginx's and Apache's workers), the load generators left out. Only one
 * target is loaded at a time and the others sit idle, so the CPU the servers used during a run,
 * divided by the requests it completed, is what one request cost the target — gatehouse and
 * redis-server together for a Redis row. Unlike requests per second, that hardly moves when
 * other work shares the machine: a busy core slows a request but does not make it cost more.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MICROS = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
/** The load generator and the launcher it starts under: their CPU is not the servers'. */
const NOT_SERVERS = new Set(['wrk', 'taskset']);

interface ProcessStat {
  readonly pid: number;
  readonly parent: number;
  readonly name: string;
  readonly ticks: number;
}

function readStat(pid: number | string): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted from after its last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { pid: Number(pid), parent: Number(fields[1]), name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** Every process, by its parent's pid. */
function processesByParent(): Map<number, ProcessStat[]> {
  const byParent = new Map<number, ProcessStat[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat) byParent.set(stat.parent, [...(byParent.get(stat.parent) ?? []), stat]);
  }
  return byParent;
}

/** The descendants of `root`, skipping (but walking through) processes named in `skip`. */
function descendants(root: number, skip: ReadonlySet<string>): ProcessStat[] {
  const byParent = processesByParent();
  const found: ProcessStat[] = [];
  const pending = [root];
  for (let parent = pending.pop(); parent !== undefined; parent = pending.pop()) {
    for (const child of byParent.get(parent) ?? []) {
      if (!skip.has(child.name)) found.push(child);
      pending.push(child.pid);
    }
  }
  return found;
}

const ticksOf = (stats: readonly ProcessStat[]): number => stats.reduce((sum, stat) => sum + stat.ticks, 0);

/**
 * CPU microseconds used so far by this process's descendants that are servers (all but wrk).
 */
export function serverCpuMicros(root = process.pid): number {
  return ticksOf(descendants(root, NOT_SERVERS)) * TICK_MICROS;
}

/** CPU microseconds used so far by one server and its own processes (nginx's workers, Apache's). */
export function processCpuMicros(pid: number): number {
  return ((readStat(pid)?.ticks ?? 0) + ticksOf(descendants(pid, new Set()))) * TICK_MICROS;
}

/** CPU microseconds so far of each server process (this process's descendants but wrk), by pid. */
export function serverCpuByProcess(root = process.pid): Map<number, { readonly name: string; readonly micros: number }> {
  return new Map(descendants(root, NOT_SERVERS).map((stat) => [stat.pid, { name: stat.name, micros: stat.ticks * TICK_MICROS }]));
}

/**
 * What the servers use while none is loaded, over `ms`: each process above a hundredth of a core,
 * as shares of a core. Every row's CPU per request includes it, and a busy idle server slows them all.
 */
export async function idleServerLoad(ms: number, root = process.pid): Promise<Array<{ readonly pid: number; readonly name: string; readonly share: number }>> {
  const before = serverCpuByProcess(root);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = serverCpuByProcess(root);
  const busy: Array<{ pid: number; name: string; share: number }> = [];
  for (const [pid, { name, micros }] of after) {
    const share = (micros - (before.get(pid)?.micros ?? 0)) / (ms * 1000);
    if (share >= 0.01) busy.push({ pid, name, share });
  }
  return busy.sort((a, b) => b.share - a.share);
}
