/**
 * `make bench`'s real peer: Apache httpd (MPM event, one process) with mod_auth_openidc, the most
 * deployed C OpenID Connect relying party, signed in once at the bench's own test provider and
 * loaded in the same rounds, on the same core, as gatehouse. Rows: Apache's static 200 with no
 * authentication (its floor), a path behind mod_auth_openidc with a valid session in its default
 * shm cache (the peer of gatehouse's memory store) and, with Redis, the same with OIDCCacheType
 * redis (the peer of the Redis store). Configuration: bench/apache/httpd.conf.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestIdpClient } from '../e2e/idp/test-idp.ts';
import { spawnLogged, type LoggedChild } from '../e2e/support/child-process.ts';
import { removeAtExit } from '../e2e/support/exit-cleanup.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { signInToModAuthOpenidc } from '../e2e/support/mod-auth-openidc-login.ts';
import { freePorts } from '../e2e/support/ports.ts';
import type { ThroughputRow } from './bench-report.ts';
import type { WrkResult } from './wrk.ts';

const CONF = join(import.meta.dirname, 'apache', 'httpd.conf');
const APACHE = '/usr/sbin/apache2';
const CLIENT_ID = 'apache-peer';

/** The rows' names, and the gatehouse rows each is set against. */
export const APACHE_ROWS = {
  static: 'Apache httpd static file (200, no auth)',
  shm: 'Apache httpd + mod_auth_openidc, shm cache (valid session)',
  redis: 'Apache httpd + mod_auth_openidc, Redis cache (valid session)',
} as const;
const GATEHOUSE_ROWS = {
  bare: 'bare Node http server (200)',
  memory: 'gatehouse /oauth2/auth, memory store',
  redis: 'gatehouse /oauth2/auth, Redis store',
  redisRoundTrip: 'gatehouse /oauth2/auth, Redis store, GATEHOUSE_REDIS_LOCAL_TTL=0',
} as const;

/** What run-bench loads: no target ratio, the peer is compared, not judged. */
export interface PeerTarget {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly minRatio: undefined;
  readonly runs: WrkResult[];
}

/** The peer before and after it runs. */
export interface ApachePeer {
  /** The relying party to register at the provider before it starts (its redirect URIs are fixed here). */
  readonly client: TestIdpClient;
  /** Starts Apache (with Redis, twice), signs alice in to each and returns the rows to load. */
  targets(issuer: string, redisUrl: string | undefined): Promise<PeerTarget[]>;
  /** Stops what it started and removes its directory. */
  close(): Promise<void>;
}

/** One running apache2 and the directory it owns. */
interface Instance {
  readonly origin: string;
  readonly child: LoggedChild;
  readonly dir: string;
}

/** Chooses the ports and the client; nothing runs until {@link ApachePeer.targets}. */
export async function apachePeer(serverCore: number): Promise<ApachePeer> {
  const [shmPort, redisPort] = (await freePorts(2)) as [number, number];
  const secret = randomBytes(16).toString('hex');
  const redirectUri = (port: number): string => `http://127.0.0.1:${port}/redirect_uri`;
  const instances: Instance[] = [];

  async function start(port: number, issuer: string, redisUrl: string | undefined): Promise<Instance> {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-apache-'));
    removeAtExit(dir);
    // Workers of an Apache started as root run as www-data and read the files from here.
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'htdocs'));
    for (const file of ['static', 'protected']) writeFileSync(join(dir, 'htdocs', file), '');
    const root = process.getuid?.() === 0;
    const env = {
      PATH: process.env.PATH ?? '',
      // mod_auth_openidc's and APR's temporary files go here, not into the system's folder.
      TMPDIR: dir,
      PEER_DIR: dir,
      PEER_PORT: String(port),
      PEER_ISSUER: issuer,
      PEER_CLIENT_ID: CLIENT_ID,
      PEER_CLIENT_SECRET: secret,
      PEER_CRYPTO_PASSPHRASE: randomBytes(32).toString('hex'),
      PEER_REDIS: redisUrl === undefined ? 'none' : new URL(redisUrl).host,
      APACHE_RUN_USER: root ? 'www-data' : `#${process.getuid?.()}`,
      APACHE_RUN_GROUP: root ? 'www-data' : `#${process.getgid?.()}`,
    };
    const defines = redisUrl === undefined ? [] : ['-DREDIS_CACHE'];
    const child = spawnLogged('taskset', ['-c', String(serverCore), APACHE, '-f', CONF, '-DFOREGROUND', ...defines], { env });
    const instance = { origin: `http://127.0.0.1:${port}`, child, dir };
    instances.push(instance);
    process.once('exit', () => stopAtExit(child));
    await waitForStatic(instance);
    return instance;
  }

  async function target(name: string, instance: Instance, issuer: string): Promise<PeerTarget> {
    const url = `${instance.origin}/protected`;
    const cookie = await signInToModAuthOpenidc(new URL(url), { login: 'alice', password: 'alice' }, redirectUri(Number(new URL(url).port)));
    const withSession = await httpRequest(url, { headers: { cookie } });
    if (withSession.status !== 200) throw new Error(`${name}: the session does not pass: ${withSession.status}${errorLog(instance)}`);
    const without = await httpRequest(url, { headers: { accept: 'text/html' } });
    if (without.status !== 302 || !(without.headers.location ?? '').startsWith(`${issuer}/`)) {
      throw new Error(`${name}: without a session ${without.status}, not a redirect to the provider${errorLog(instance)}`);
    }
    return { name, url, headers: { cookie }, minRatio: undefined, runs: [] };
  }

  return {
    client: { clientId: CLIENT_ID, clientSecret: secret, redirectUris: [redirectUri(shmPort), redirectUri(redisPort)] },
    async targets(issuer, redisUrl) {
      const shm = await start(shmPort, issuer, undefined);
      const rows: PeerTarget[] = [
        { name: APACHE_ROWS.static, url: `${shm.origin}/static`, headers: {}, minRatio: undefined, runs: [] },
        await target(APACHE_ROWS.shm, shm, issuer),
      ];
      if (redisUrl !== undefined) rows.push(await target(APACHE_ROWS.redis, await start(redisPort, issuer, redisUrl), issuer));
      return rows;
    },
    async close() {
      for (const { child, dir } of instances.splice(0)) {
        // SIGTERM: Apache stops its workers itself (a SIGKILL would leave them listening).
        await child.stop('SIGTERM', 10_000);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The peer ratios, one line each; none for a row the run did not have. */
export function apachePeerNotes(rows: readonly ThroughputRow[]): string[] {
  const find = (name: string): ThroughputRow | undefined => rows.find((row) => row.name === name);
  // By requests/s, and by CPU per request (the second holds on a machine busy with other work).
  const ratio = (a: string, b: string, label: string): string[] => {
    const [top, bottom] = [find(a), find(b)];
    if (top === undefined || bottom === undefined) return [];
    const byCpu = bottom.cpuMicrosPerRequest / top.cpuMicrosPerRequest;
    return [`${label}: ${(top.requestsPerSecond / bottom.requestsPerSecond).toFixed(2)}${Number.isFinite(byCpu) ? ` (${byCpu.toFixed(2)} by CPU per request)` : ''}`];
  };
  return [
    ...ratio(GATEHOUSE_ROWS.memory, APACHE_ROWS.shm, 'gatehouse ÷ mod_auth_openidc (memory store ÷ shm cache, one core each, goal >= 1)'),
    ...ratio(GATEHOUSE_ROWS.redis, APACHE_ROWS.redis, 'gatehouse ÷ mod_auth_openidc (Redis store ÷ Redis cache)'),
    ...ratio(GATEHOUSE_ROWS.redisRoundTrip, APACHE_ROWS.redis, 'gatehouse ÷ mod_auth_openidc (Redis store, every check a Redis read, GATEHOUSE_REDIS_LOCAL_TTL=0 ÷ Redis cache)'),
    ...ratio(APACHE_ROWS.shm, APACHE_ROWS.static, "mod_auth_openidc ÷ Apache's static file"),
    ...ratio(APACHE_ROWS.static, GATEHOUSE_ROWS.bare, "Apache's static file ÷ bare Node"),
  ];
}

async function waitForStatic(instance: Instance): Promise<void> {
  // Up to 30 s, as for the other targets: many start at once on one core.
  for (let i = 0; i < 600; i++) {
    const status = instance.child.exitStatus();
    if (status !== undefined) throw new Error(`apache2 ended (${status}): ${instance.child.logs()}${errorLog(instance)}`);
    if (await httpRequest(`${instance.origin}/static`).then((r) => r.status === 200, () => false)) return;
    await sleep(50);
  }
  throw new Error(`${instance.origin}/static never answered 200${errorLog(instance)}`);
}

function errorLog(instance: Instance): string {
  try {
    return `\nApache's error log:\n${readFileSync(join(instance.dir, 'error.log'), 'utf8').slice(-2000)}`;
  } catch {
    return '';
  }
}

function stopAtExit(child: LoggedChild): void {
  if (child.exitStatus() !== undefined) return;
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}
