/**
 * The image run as the kubelet runs it under the chart's memory limit (runc, a memory cgroup with
 * that limit and no swap), on the memory store, driven at its maximum rate (32 checks in flight)
 * or at a set rate, from 20 signed-in sessions with fresh garbage cookies mixed in
 * (e2e/soak/check-load.ts). The cgroup is read every 5 s; the run stops early if the container exits.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCheckClient, measureMaxRate, newCounts, startPaced } from '../../soak/check-load.ts';
import type { TestIdp } from '../../idp/test-idp.ts';
import { signInOverHttp } from '../../support/http-login.ts';
import { freePorts } from '../../support/ports.ts';
import { runContainer, type ImageConfig } from './image.ts';
import { memoryCgroupOf, readMemory, type MemoryReading } from './memory-cgroup.ts';

/** What one run measured. */
export interface MemoryRunResult {
  /** The cgroup after start-up and sign-in, before the load. */
  readonly idle: MemoryReading;
  /** Every 5 s under load. */
  readonly loaded: readonly MemoryReading[];
  readonly final: MemoryReading;
  /** Checks answered per second over the whole load. */
  readonly rate: number;
  readonly wrong: number;
  readonly statuses: ReadonlyMap<string, number>;
  /** Set when the container exited during the run. */
  readonly exited: string | undefined;
  readonly logs: string;
}

/** Options of {@link runUnderMemoryLimit}. */
export interface MemoryRunOptions {
  readonly rootfs: string;
  readonly config: ImageConfig;
  readonly idp: TestIdp;
  /** The client secret registered for `gatehouse` at `idp`, with `http://127.0.0.1:<port>/oauth2/callback` allowed. */
  readonly clientSecret: string;
  readonly port: number;
  readonly limitBytes: number;
  readonly seconds: number;
  /** Checks per second to send; the maximum (32 in flight) when not given. */
  readonly rate?: number;
}

/** Runs once and stops the container. */
export async function runUnderMemoryLimit(options: MemoryRunOptions): Promise<MemoryRunResult> {
  const { port } = options;
  const [metricsPort = 0] = await freePorts(1);
  const origin = `http://127.0.0.1:${port}`;
  const container = await runContainer(
    options.rootfs,
    options.config,
    {
      GATEHOUSE_OIDC_ISSUER_URL: options.idp.issuer,
      GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true',
      GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
      GATEHOUSE_OIDC_CLIENT_SECRET: options.clientSecret,
      GATEHOUSE_REDIRECT_URL: `${origin}/oauth2/callback`,
      GATEHOUSE_COOKIE_SECRET: randomBytes(32).toString('base64'),
      GATEHOUSE_COOKIE_SECURE: 'false',
      GATEHOUSE_LISTEN_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_METRICS_PORT: String(metricsPort),
    },
    [],
    { memoryBytes: options.limitBytes },
  );
  try {
    for (let i = 0; i < 300; i++) {
      if (container.process.exitStatus() !== undefined) throw new Error(`container exited: ${container.process.logs()}`);
      const ready = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
      if (ready === 200) break;
      await sleep(100);
    }
    const cgroup = memoryCgroupOf(await container.pid());
    const cookies: string[] = [];
    for (let i = 0; i < 20; i++) {
      const user = ['alice', 'bob', 'carol'][i % 3] as string;
      cookies.push((await signInOverHttp(origin, { login: user, password: user })).cookieHeader);
    }
    await sleep(3000);
    const idle = readMemory(cgroup);
    // Read every second: when the container is killed runc removes its cgroup, and the last reading
    // is all that is left of it.
    let last = idle;
    const reader = setInterval(() => {
      try {
        last = readMemory(cgroup);
      } catch {
        // The cgroup is gone with the container.
      }
    }, 1000);
    const client = createCheckClient(origin, cookies, 32);
    const counts = newCounts();
    const loaded: MemoryReading[] = [];
    const started = performance.now();
    let exited: string | undefined;
    const paced = options.rate === undefined ? undefined : startPaced(client, options.rate, 1000, options.seconds + 5);
    try {
      for (let elapsed = 0; elapsed < options.seconds; elapsed += 5) {
        if (paced) await sleep(5000);
        else await measureMaxRate(client, 32, 5, counts);
        exited = container.process.exitStatus();
        if (exited !== undefined) break;
        loaded.push(last);
      }
      await paced?.stop();
    } finally {
      clearInterval(reader);
    }
    if (paced) Object.assign(counts, { completed: paced.counts.completed, wrong: paced.counts.wrong, statuses: paced.counts.statuses });
    const rate = counts.completed / ((performance.now() - started) / 1000);
    await client.close();
    let final = last;
    try {
      final = readMemory(cgroup);
    } catch {
      // Killed: runc took its cgroup away; SIGKILL (exit code 137) without our asking is the OOM killer's.
      if (exited === 'exit code 137' || exited === 'signal SIGKILL') final = { ...last, oomKills: Math.max(1, last.oomKills) };
    }
    return { idle, loaded, final, rate, wrong: counts.wrong, statuses: counts.statuses, exited, logs: container.process.logs().slice(-4000) };
  } finally {
    await container.stop('SIGTERM');
  }
}

/** MiB with one decimal. */
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
