/**
 * gatehouse in sidecar mode as a child process, as in an app's pod: one test IdP, and one
 * gatehouse per app, each on its own port with GATEHOUSE_UPSTREAM pointing at the app. The browser
 * reaches each app only through its gatehouse, at `http://localhost:<port>`.
 */
import { randomBytes } from 'node:crypto';
import { startTestIdp, type TestIdp } from '../idp/test-idp.ts';
import { localGatehouseEnv } from '../support/gatehouse-env.ts';
import { freePorts } from '../support/ports.ts';
import { startGatehouse, type GatehouseProcess } from './gatehouse-process.ts';

/** One app behind its sidecar. */
export interface SidecarSiteOptions {
  /** The app's port on 127.0.0.1 (it need not be listening). */
  readonly upstreamPort: number;
  /** Settings added to (and overriding) the local defaults. */
  readonly env?: Record<string, string>;
}

/** A running sidecar. */
export interface SidecarSite {
  /** `http://localhost:<port>`: the app's public address. */
  readonly baseUrl: string;
  readonly gatehouse: GatehouseProcess;
}

/** The IdP and the sidecars. */
export interface SidecarStack {
  readonly idp: TestIdp;
  readonly sites: SidecarSite[];
  /** Stops every sidecar, then the IdP. */
  stop(): Promise<void>;
}

/** Starts the IdP and one gatehouse sidecar per entry of `sites`, in order. */
export async function startSidecarStack(sites: readonly SidecarSiteOptions[]): Promise<SidecarStack> {
  const ports = await freePorts(sites.length * 2);
  const origins = sites.map((_, i) => `http://localhost:${ports[i * 2]}`);
  const client = { clientId: 'gatehouse', clientSecret: randomBytes(24).toString('base64url') };
  const idp = await startTestIdp({
    clients: [
      {
        ...client,
        redirectUris: origins.map((origin) => `${origin}/oauth2/callback`),
        postLogoutRedirectUris: origins.map((origin) => `${origin}/oauth2/signed_out`),
      },
    ],
  });
  const running: SidecarSite[] = [];
  const stop = async (): Promise<void> => {
    for (const site of running.splice(0).reverse()) await site.gatehouse.stop();
    await idp.close();
  };
  try {
    for (const [i, site] of sites.entries()) {
      const port = ports[i * 2] as number;
      const metricsPort = ports[i * 2 + 1] as number;
      const env = localGatehouseEnv(
        { issuer: idp.issuer, clientSecret: client.clientSecret, origin: origins[i] as string, port, metricsPort },
        { GATEHOUSE_UPSTREAM: `http://127.0.0.1:${site.upstreamPort}`, GATEHOUSE_LOG_LEVEL: 'info', ...site.env },
      );
      running.push({ baseUrl: origins[i] as string, gatehouse: await startGatehouse({ port, metricsPort, env }) });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { idp, sites: running, stop };
}
