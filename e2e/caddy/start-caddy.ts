/**
 * Real Caddy (Debian's 2.6) in front of gatehouse: the rendered Caddyfile is adapted and
 * validated first, so that a config error fails the start with Caddy's own message, then run in
 * the foreground with everything it writes kept in one temporary directory.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnLogged } from '../support/child-process.ts';
import { killAtExit, removeAtExit } from '../support/exit-cleanup.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { renderCaddyfile, type CaddyfileOptions } from './render-caddyfile.ts';

const execFileAsync = promisify(execFile);
const CADDY = 'caddy';

/** What gatehouse needs to believe this Caddy's X-Forwarded-* headers: it connects from loopback. */
export const CADDY_TRUSTED_PROXY_ENV: Readonly<Record<string, string>> = Object.freeze({
  GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32,::1/128',
});

/** Options of {@link startCaddy}: those of the renderer, with the port optional and no storage dir. */
export interface StartCaddyOptions extends Omit<CaddyfileOptions, 'port' | 'storageDir'> {
  /** Default: a free ephemeral port. */
  port?: number;
}

/** A running Caddy. */
export interface CaddyHandle {
  port: number;
  /** Holds the Caddyfile, the adapted caddy.json and Caddy's storage; removed by {@link CaddyHandle.stop}. */
  dir: string;
  pid: number;
  /** Caddy's log (JSON lines on stderr) so far; after stop, as it was at the end. */
  logs(): string;
  /** Stops Caddy (SIGTERM, its graceful stop; SIGKILL if it lingers) and removes the dir. */
  stop(): Promise<void>;
}

/**
 * The environment of every caddy command: Caddy keeps its data and config under HOME and the XDG
 * directories (autosave.json, instance.uuid, a .step dir), so all of them point into `dir`.
 */
function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
  };
}

/**
 * Adapts the Caddyfile in `dir` to JSON with `caddy adapt --validate` (which also provisions every
 * module, as a start would) and turns off config persistence: Caddy 2.6's Caddyfile has no
 * `persist_config` global option, only its JSON has `admin.config.persist`.
 *
 * @throws with Caddy's message when the Caddyfile is invalid.
 */
async function adaptCaddyfile(dir: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(CADDY, ['adapt', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile', '--validate'], {
      env: caddyEnv(dir),
      maxBuffer: 4 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`caddy rejected the Caddyfile:\n${stderr || String(error)}`);
  }
  const config = JSON.parse(stdout) as { admin?: Record<string, unknown> };
  config.admin = { ...config.admin, config: { persist: false } };
  return JSON.stringify(config, null, 2);
}

/** Creates a fresh dir holding the Caddyfile and the directories the environment points to. */
function makeDir(caddyfile?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-caddy-'));
  for (const sub of ['data', 'config', 'storage']) mkdirSync(join(dir, sub));
  if (caddyfile !== undefined) writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  return dir;
}

/**
 * Adapts and validates a Caddyfile in a throwaway dir.
 *
 * @throws with Caddy's message when it is invalid.
 */
export async function checkCaddyfile(caddyfile: string): Promise<void> {
  const dir = makeDir(caddyfile);
  try {
    await adaptCaddyfile(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Renders the Caddyfile, adapts and validates it, starts `caddy run` as a child process and waits
 * until its port accepts connections.
 *
 * @throws with Caddy's output when the config is invalid or Caddy exits or never listens.
 */
export async function startCaddy(options: StartCaddyOptions): Promise<CaddyHandle> {
  const port = options.port ?? (await freePort());
  const dir = makeDir();
  removeAtExit(dir);
  try {
    writeFileSync(join(dir, 'Caddyfile'), renderCaddyfile({ ...options, port, storageDir: join(dir, 'storage') }));
    writeFileSync(join(dir, 'caddy.json'), await adaptCaddyfile(dir));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const child = spawnLogged(CADDY, ['run', '--config', join(dir, 'caddy.json')], { env: caddyEnv(dir) });
  killAtExit(child);
  try {
    await waitForPort(port, {
      tries: 100,
      intervalMs: 50,
      abortReason: () => {
        const status = child.exitStatus();
        return status === undefined ? undefined : `caddy exited (${status}):\n${child.logs()}`;
      },
    });
  } catch (error) {
    await child.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let finalLogs: string | undefined;
  return {
    port,
    dir,
    pid: child.pid,
    logs: () => finalLogs ?? child.logs(),
    async stop() {
      if (finalLogs !== undefined) return;
      // The Caddyfile's grace_period bounds the graceful stop; 5 s more before SIGKILL.
      await child.stop('SIGTERM', 7000);
      finalLogs = child.logs();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
