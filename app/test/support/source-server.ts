/**
 * Starts gatehouse in-process with a provider other than browser sign-in (Bearer tokens or
 * trusted headers), with captured log lines, for the identity-source and backend tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { httpRequest, type HttpResponse } from '../../../e2e/support/http-client.ts';

/** A running gatehouse without browser sign-in. */
export interface SourceServer {
  readonly server: RunningServer;
  readonly logs: Array<Record<string, unknown>>;
  check(query: string, headers: Record<string, string>): Promise<HttpResponse>;
  request(path: string): Promise<HttpResponse>;
  stop(): Promise<void>;
}

/** Starts one; `configFile` is written to a temporary file when given. */
export async function startSourceServer(env: Record<string, string>, configFile?: string): Promise<SourceServer> {
  const [port, metricsPort] = await freePorts(2);
  const extra: Record<string, string> = {};
  if (configFile !== undefined) {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-source-')), 'config.yaml');
    writeFileSync(file, configFile);
    extra.GATEHOUSE_CONFIG_FILE = file;
  }
  const removeFile = (): void => {
    if (extra.GATEHOUSE_CONFIG_FILE !== undefined) rmSync(dirname(extra.GATEHOUSE_CONFIG_FILE), { recursive: true, force: true });
  };
  const logs: Array<Record<string, unknown>> = [];
  let server: RunningServer;
  try {
    const config = loadConfig({
      GATEHOUSE_LISTEN_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_METRICS_PORT: String(metricsPort),
      GATEHOUSE_LOG_LEVEL: 'debug',
      ...extra,
      ...env,
    });
    server = await startServer(config, {
      logDestination: {
        write: (chunk: string) => {
          for (const line of chunk.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    });
  } catch (error) {
    removeFile();
    throw error;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    server,
    logs,
    check: (query, headers) => httpRequest(`${base}/oauth2/auth${query}`, { headers }),
    request: (path) => httpRequest(`${base}${path}`),
    async stop() {
      await server.stop();
      // The config file's directory goes with the server.
      removeFile();
    },
  };
}
