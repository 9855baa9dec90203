/**
 * Debian's Prometheus (`apt-get install prometheus`) on loopback, scraping the given targets every
 * few seconds, with its configuration and its TSDB in a temporary directory removed when it stops.
 * Stopped by its own PID; the Debian service unit is never involved.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnLogged } from '../support/child-process.ts';
import { killAtExit, removeAtExit } from '../support/exit-cleanup.ts';
import { freePort } from '../support/ports.ts';

/** Where Debian installs the server. */
export const PROMETHEUS = '/usr/bin/prometheus';

/** A running Prometheus. */
export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`: the HTTP API and UI. */
  readonly url: string;
  readonly pid: number;
  /** `prometheus --version`'s first line, for the record. */
  readonly version: string;
  logs(): string;
  stop(): Promise<void>;
}

async function versionOf(): Promise<string> {
  const child = spawnLogged(PROMETHEUS, ['--version']);
  await child.exited;
  return child.logs().split('\n')[0]?.trim() ?? 'prometheus';
}

/**
 * Starts Prometheus scraping `targets` (host:port, /metrics) as job `job`.
 * @throws Error with its output when it does not become ready within 30 s
 */
export async function startPrometheus(options: { readonly job: string; readonly targets: readonly string[]; readonly scrapeSeconds: number }): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-prometheus-'));
  removeAtExit(dir);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${options.scrapeSeconds}s`,
      `  evaluation_interval: ${options.scrapeSeconds}s`,
      'scrape_configs:',
      `  - job_name: ${JSON.stringify(options.job)}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(options.targets)}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawnLogged(PROMETHEUS, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    '--storage.tsdb.retention.time=2h',
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  killAtExit(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await child.stop('SIGTERM', 10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitStatus() !== undefined) break;
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, pid: child.pid, version: await versionOf(), logs: child.logs, stop };
    await sleep(100);
  }
  const logs = child.logs();
  await stop();
  throw new Error(`prometheus did not become ready:\n${logs}`);
}
