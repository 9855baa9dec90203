/**
 * A real gatehouse and the real test OpenID Provider for the replay tests, trusting proxies on
 * loopback (where every replayed proxy connects from), with named policies on the method, path
 * and client address, and alice (admins, devs), bob (devs) and carol (no groups) signed in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../../app/test/support/harness.ts';

/**
 * Named policies the tests route to: `policy=reads-only` (GET or HEAD under /docs/ only),
 * `policy=cluster-only` (clients inside 10.0.0.0/8, where the proxies are and no replayed client
 * is) and `policy=office-only` (clients in 203.0.113.0/24, where the replayed clients are).
 */
const CONFIG = `
version: 1
policies:
  reads-only: { methods: [GET, HEAD], paths: [/docs/] }
  cluster-only: { source_networks: [10.0.0.0/8] }
  office-only: { source_networks: [203.0.113.0/24] }
`;

/** The running pieces and the signed-in users' Cookie headers. */
export interface ReplayHarness {
  readonly harness: Harness;
  /** gatehouse's port on 127.0.0.1. */
  readonly port: number;
  /** gatehouse's origin, where the sign-in URL lives. */
  readonly origin: string;
  readonly alice: string;
  readonly bob: string;
  readonly carol: string;
  stop(): Promise<void>;
}

/**
 * Starts gatehouse (proxies trusted from 127.0.0.0/8 unless `env` says otherwise) and signs the
 * users in. The config file lives in a temporary directory removed again by `stop`.
 */
export async function startReplayHarness(env: Record<string, string> = {}): Promise<ReplayHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-replay-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, CONFIG);
    const harness = await startHarness({ GATEHOUSE_CONFIG_FILE: file, GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.0/8', ...env });
    const [alice, bob, carol] = [await harness.signIn('alice'), await harness.signIn('bob'), await harness.signIn('carol')];
    const origin = harness.baseUrl;
    return {
      harness,
      port: Number(new URL(origin).port),
      origin,
      alice,
      bob,
      carol,
      async stop() {
        await harness.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The sign-in URL gatehouse sends a browser to, for an original URL. */
export function signInUrl(origin: string, original: string): string {
  return `${origin}/oauth2/start?rd=${encodeURIComponent(original)}`;
}
