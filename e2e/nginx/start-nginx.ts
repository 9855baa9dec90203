import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnLogged } from '../support/child-process.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { renderIngressNginxConf } from './render-conf.ts';
import type { IngressNginxOptions } from './render-conf.ts';

const execFileAsync = promisify(execFile);
const NGINX = 'nginx';

/** Options of {@link startNginx}: those of the renderer, with the port optional. */
export interface StartNginxOptions extends Omit<IngressNginxOptions, 'port'> {
  /** Default: a free ephemeral port. */
  port?: number;
}

/** A running nginx. */
export interface NginxHandle {
  port: number;
  /** The `-p` prefix: holds nginx.conf, logs/ and tmp/. Removed by {@link NginxHandle.stop}. */
  prefixDir: string;
  pid: number;
  /** Stops nginx (SIGQUIT, then SIGTERM/SIGKILL if it lingers) and removes the prefix dir. */
  stop(): Promise<void>;
  /** The error log so far; after stop, as it was at the end. */
  errorLog(): string;
  /** The access log so far; after stop, as it was at the end. */
  accessLog(): string;
}

/** Creates a fresh prefix dir with the layout the rendered config expects. */
function makePrefix(conf: string): string {
  const prefixDir = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'));
  for (const dir of ['logs', 'tmp']) mkdirSync(join(prefixDir, dir));
  writeFileSync(join(prefixDir, 'nginx.conf'), conf);
  return prefixDir;
}

async function runConfigTest(prefixDir: string): Promise<void> {
  try {
    // -e stderr: messages from before the config is read must not go to /var/log/nginx.
    await execFileAsync(NGINX, ['-t', '-q', '-e', 'stderr', '-c', join(prefixDir, 'nginx.conf'), '-p', `${prefixDir}/`]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`nginx -t rejected the config:\n${stderr || String(error)}`);
  }
}

/**
 * Runs `nginx -t` on a rendered config in a throwaway prefix dir.
 *
 * @throws with nginx's message when the config is invalid.
 */
export async function checkNginxConf(conf: string): Promise<void> {
  const prefixDir = makePrefix(conf);
  try {
    await runConfigTest(prefixDir);
  } finally {
    rmSync(prefixDir, { recursive: true, force: true });
  }
}

/**
 * Renders the ingress-nginx style config, checks it with `nginx -t`, starts nginx in the
 * foreground as a child process and waits until its port accepts connections.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxHandle> {
  const port = options.port ?? (await freePort());
  const prefixDir = makePrefix(renderIngressNginxConf({ ...options, port }));
  const readLog = (name: string): string => {
    try {
      return readFileSync(join(prefixDir, 'logs', name), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await runConfigTest(prefixDir);
  } catch (error) {
    rmSync(prefixDir, { recursive: true, force: true });
    throw error;
  }

  const child = spawnLogged(NGINX, ['-e', 'stderr', '-c', join(prefixDir, 'nginx.conf'), '-p', `${prefixDir}/`]);
  const describe = (): string => `${child.logs()}${readLog('error.log')}`;
  try {
    await waitForPort(port, {
      tries: 100,
      intervalMs: 50,
      abortReason: () => {
        const status = child.exitStatus();
        return status === undefined ? undefined : `nginx exited (${status}):\n${describe()}`;
      },
    });
  } catch (error) {
    await child.stop('SIGKILL');
    rmSync(prefixDir, { recursive: true, force: true });
    throw error;
  }

  let finalErrorLog: string | undefined;
  let finalAccessLog: string | undefined;
  return {
    port,
    prefixDir,
    pid: child.pid,
    errorLog: () => finalErrorLog ?? readLog('error.log'),
    accessLog: () => finalAccessLog ?? readLog('access.log'),
    async stop() {
      if (finalErrorLog !== undefined) return;
      // SIGQUIT is nginx's graceful shutdown; spawnLogged escalates if it takes too long.
      await child.stop('SIGQUIT', 5000);
      finalErrorLog = readLog('error.log') + child.logs();
      finalAccessLog = readLog('access.log');
      rmSync(prefixDir, { recursive: true, force: true });
    },
  };
}
