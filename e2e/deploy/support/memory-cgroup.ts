/**
 * The memory cgroup a container runs in, read from the host as a kubelet's cAdvisor would: found
 * from the container process's /proc/<pid>/cgroup, then either cgroup v2 (memory.max,
 * memory.current, memory.peak, memory.events) or v1 (memory.limit_in_bytes, usage, max usage,
 * failcnt, oom_control). On v1 the peak includes page cache the kernel may drop; the `anon`
 * figure (memory.stat rss / anon) is memory the process holds.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One reading of the cgroup. */
export interface MemoryReading {
  readonly version: 1 | 2;
  readonly limitBytes: number;
  readonly usageBytes: number;
  /** The highest usage since the cgroup was made (v1: max_usage_in_bytes; v2: memory.peak). */
  readonly peakBytes: number;
  /** Anonymous memory: the process's own, not page cache. */
  readonly anonBytes: number;
  /** Times usage reached the limit and the kernel had to reclaim (v1 failcnt; v2 memory.events max). */
  readonly limitHits: number;
  readonly oomKills: number;
}

/** Where the cgroup of `pid` is on the host, and which version it is. */
export function memoryCgroupOf(pid: number): { readonly dir: string; readonly version: 1 | 2 } {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.map((line) => line.split(':')).find(([, controllers]) => (controllers ?? '').split(',').includes('memory'));
  if (v1) return { dir: join('/sys/fs/cgroup/memory', v1[2] ?? '/'), version: 1 };
  const v2 = lines.find((line) => line.startsWith('0::'))?.slice(3) ?? '/';
  return { dir: join('/sys/fs/cgroup', v2), version: 2 };
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8').trim();
const field = (text: string, name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

/** Reads the cgroup found by {@link memoryCgroupOf}. */
export function readMemory(cgroup: { readonly dir: string; readonly version: 1 | 2 }): MemoryReading {
  const { dir, version } = cgroup;
  if (version === 2) {
    const events = read(dir, 'memory.events');
    const max = read(dir, 'memory.max');
    return {
      version,
      limitBytes: max === 'max' ? Number.POSITIVE_INFINITY : Number(max),
      usageBytes: Number(read(dir, 'memory.current')),
      peakBytes: existsSync(join(dir, 'memory.peak')) ? Number(read(dir, 'memory.peak')) : Number.NaN,
      anonBytes: field(read(dir, 'memory.stat'), 'anon'),
      limitHits: field(events, 'max'),
      oomKills: field(events, 'oom_kill'),
    };
  }
  return {
    version,
    limitBytes: Number(read(dir, 'memory.limit_in_bytes')),
    usageBytes: Number(read(dir, 'memory.usage_in_bytes')),
    peakBytes: Number(read(dir, 'memory.max_usage_in_bytes')),
    anonBytes: field(read(dir, 'memory.stat'), 'rss'),
    limitHits: Number(read(dir, 'memory.failcnt')),
    oomKills: field(read(dir, 'memory.oom_control'), 'oom_kill'),
  };
}

/** A Kubernetes memory quantity ("256Mi", "1Gi", "300M", "268435456") in bytes. */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const factor: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(match[1]) * (factor[match[2] ?? ''] as number));
}

/** A memory cgroup this process made, for a child to run in. */
export interface OwnMemoryCgroup {
  readonly dir: string;
  readonly version: 1 | 2;
  /** `command args…` run as `sh -c` that first moves itself into the cgroup, so the limit holds from exec on. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** Removes the cgroup; its processes must have exited. */
  remove(): void;
}

/**
 * Makes a child memory cgroup of this process's own with `limitBytes` and no swap beyond it, as the
 * kubelet does for a container; undefined where that is not possible (not root, no writable
 * memory controller).
 */
export function makeMemoryCgroup(name: string, limitBytes: number): OwnMemoryCgroup | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const own = memoryCgroupOf(process.pid);
  const dir = join(own.dir, name);
  try {
    mkdirSync(dir);
    if (own.version === 1) {
      writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
      if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
    } else {
      writeFileSync(join(dir, 'memory.max'), String(limitBytes));
      writeFileSync(join(dir, 'memory.swap.max'), '0');
    }
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // It was never made.
    }
    return undefined;
  }
  return {
    dir,
    version: own.version,
    wrap: (command, args) => ['sh', ['-c', `echo $$ > '${join(dir, 'cgroup.procs')}' && exec "$@"`, 'sh', command, ...args]],
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        // Still in use or already gone; the kernel keeps an empty cgroup harmlessly.
      }
    },
  };
}
