/**
 * gatehouse in-process with two real OpenID Providers (oidc-provider) on loopback: the
 * GATEHOUSE_OIDC_* one (id `default`, "staff") and one listed in the config file ("partners"),
 * each with its own client and claims/role settings. With `perHost`, GATEHOUSE_REDIRECT_URL is
 * left out and the clients register a callback on each of app1.localtest and app2.localtest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';

/** A running gatehouse with its two providers. */
export interface ProvidersHarness {
  /** http://127.0.0.1:<port>, or http://app1.localtest:<port> with callbacks per host. */
  readonly baseUrl: string;
  readonly port: number;
  /** The GATEHOUSE_OIDC_* provider ("staff"). */
  readonly staff: TestIdp;
  /** The listed provider `partners`. */
  readonly partners: TestIdp;
  readonly server: RunningServer;
  /** Moves gatehouse's clock forward. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

/** Options of {@link startProvidersHarness}. */
export interface ProvidersHarnessOptions {
  /** Leave GATEHOUSE_REDIRECT_URL out: callbacks on app1.localtest and app2.localtest. */
  readonly perHost?: boolean;
  /** Sections laid over the config file's defaults. */
  readonly file?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

/** Roles differ per provider: the same group `admins` means another role at each. */
export const PROVIDER_FILE = Object.freeze({
  group_mappings: { admins: ['staff_admin'] },
  default_roles: ['staff_reader'],
});

/** Starts both providers and gatehouse; everything on loopback, the temp folder removed on stop. */
export async function startProvidersHarness(options: ProvidersHarnessOptions = {}): Promise<ProvidersHarness> {
  const [port = 0, metricsPort = 0] = await freePorts(2);
  const origins = options.perHost ? [`http://app1.localtest:${port}`, `http://app2.localtest:${port}`] : [`http://127.0.0.1:${port}`];
  const client = (clientId: string, clientSecret: string) => ({
    clientId,
    clientSecret,
    redirectUris: origins.map((origin) => `${origin}/oauth2/callback`),
    postLogoutRedirectUris: origins.map((origin) => `${origin}/oauth2/signed_out`),
    backchannelLogoutUri: `http://127.0.0.1:${port}/oauth2/backchannel_logout`,
  });
  const staffSecret = randomBytes(16).toString('hex');
  const partnersSecret = randomBytes(16).toString('hex');
  const staff = await startTestIdp({ clients: [client('gatehouse', staffSecret)] });
  const partners = await startTestIdp({ clients: [client('gatehouse-partners', partnersSecret)] });
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-providers-'));
  const secretFile = join(dir, 'partners-secret');
  writeFileSync(secretFile, `${partnersSecret}\n`);
  const configFile = join(dir, 'gatehouse.yaml');
  writeFileSync(
    configFile,
    stringify({
      ...PROVIDER_FILE,
      providers: [
        {
          id: 'partners',
          name: 'Partner <account>',
          issuer: partners.issuer,
          client_id: 'gatehouse-partners',
          client_secret_file: secretFile,
          scopes: ['openid', 'profile', 'email', 'groups'],
          hosts: ['partners.localtest'],
          // The partners' own mapping: their users are named by email, their admins get another role.
          claims: { username: 'email' },
          group_mappings: { admins: ['partner_admin'] },
          default_roles: ['partner_reader'],
        },
      ],
      ...options.file,
    }),
  );
  const env = localGatehouseEnv(
    { issuer: staff.issuer, clientSecret: staffSecret, origin: origins[0] as string, port, metricsPort },
    {
      GATEHOUSE_CONFIG_FILE: configFile,
      GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: options.perHost ? 'app1.localtest,app2.localtest' : 'app.localtest,partners.localtest',
      GATEHOUSE_LOG_LEVEL: 'warn',
      ...options.env,
    },
  );
  if (options.perHost) delete env.GATEHOUSE_REDIRECT_URL;
  let offset = 0;
  const server = await startServer(loadConfig(env), { now: () => Date.now() + offset, logDestination: { write: () => {} } });
  const providers = server.deps.providers?.signIn ?? [];
  for (let i = 0; i < 100 && !providers.every((p) => p.idp.isReady()); i++) await sleep(50);
  if (!providers.every((p) => p.idp.isReady())) throw new Error('discovery never loaded');
  return {
    baseUrl: origins[0] as string,
    port,
    staff,
    partners,
    server,
    advance: (ms) => void (offset += ms),
    async stop() {
      await server.stop();
      await staff.close();
      await partners.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
