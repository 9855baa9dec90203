/**
 * The bench target of the bearer-token check with a cached verification: a pinned gatehouse with
 * session,bearer and one listed issuer (a test OpenID Provider of its own), loaded with one client
 * credentials JWT on a route that checks its scope. The first check verifies the token; every later
 * one is a SHA-256 and a map lookup. The provider is shut down once the token has passed, so the
 * run also shows that checks never call the issuer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientCredentialsToken } from '../e2e/idp/client-credentials.ts';
import { startTestIdp } from '../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { freePorts } from '../e2e/support/ports.ts';
import type { WrkResult } from './wrk.ts';

const API = 'https://api.example.test';
const root = join(import.meta.dirname, '..');

/** What run-bench loads. */
export interface BearerTarget {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly minRatio: number | undefined;
  readonly runs: WrkResult[];
}

/**
 * Starts the gatehouse (pushed onto `children`, pinned to `serverCore`) and returns the target.
 * @throws Error when the token does not pass the check
 */
export async function bearerTarget(name: string, minRatio: number, serverCore: number, children: ChildProcess[]): Promise<BearerTarget> {
  const [port, metricsPort] = await freePorts(2);
  const origin = `http://127.0.0.1:${port}`;
  const secret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({
    accessTokenTtlSeconds: 3600,
    clients: [
      { clientId: 'gatehouse', clientSecret: secret, redirectUris: [`${origin}/oauth2/callback`] },
      { clientId: 'ci-job', clientSecret: secret, redirectUris: [], grantTypes: ['client_credentials'] },
    ],
    resourceServers: [{ indicator: API, scope: 'api:read api:write', format: 'jwt' }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-bearer-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `bearer:\n  issuers:\n    - { issuer: "${idp.issuer}", audiences: ["${API}"] }\n`);
    const env = localGatehouseEnv(
      { issuer: idp.issuer, clientSecret: secret, origin, port, metricsPort },
      { GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', GATEHOUSE_IDENTITY_SOURCES: 'session,bearer', GATEHOUSE_CONFIG_FILE: file, GATEHOUSE_CONFIG_RELOAD_INTERVAL: '0' },
    );
    // BENCH_PROFILE_DIR: the gatehouse writes a V8 CPU profile there when it exits (see docs/performance.md).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    children.push(spawn('taskset', ['-c', String(serverCore), process.execPath, ...profile, join(root, 'app/src/main.ts')], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] }));
    // Up to 30 s, as for the other targets: many gatehouses start at once on one core, on a busy machine slowly.
    let ready = false;
    for (let i = 0; i < 600 && !ready; i++) {
      ready = await httpRequest(`${origin}/readyz`).then((r) => r.status === 200, () => false);
      if (!ready) await sleep(50);
    }
    if (!ready) throw new Error(`${name}: gatehouse never became ready`);
    const token = await clientCredentialsToken(idp.issuer, { clientId: 'ci-job', clientSecret: secret, resource: API, scope: 'api:read' });
    const url = `${origin}/oauth2/auth?allowed_scopes=api:read`;
    const headers = { authorization: `Bearer ${token}` };
    let status = 0;
    // The key set is fetched at start-up; the first check may come before it has arrived.
    // On a busy machine the first check may wait for it long enough to time out: try again then too.
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await httpRequest(url, { headers }).then((r) => r.status, () => 0);
      if (status !== 200) await sleep(50);
    }
    if (status !== 200) throw new Error(`${name}: the token does not pass the check: ${status}`);
    return { name, url, headers, minRatio, runs: [] };
  } finally {
    // The file was read at start-up; the provider is not needed by checks of a verified token.
    rmSync(dir, { recursive: true, force: true });
    await idp.close();
  }
}
