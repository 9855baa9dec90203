/**
 * GET /healthz (the process is alive) and GET /readyz (it can serve: discovery loaded for the
 * provider and each listed one, store reachable, not shutting down). Readiness answers within a
 * bounded time even if the store hangs.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.ts';

const STORE_PING_TIMEOUT_MS = 2000;

async function storeReachable(deps: AppDeps): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([deps.store.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the two probe handlers. */
export function createHealthRoutes(deps: AppDeps) {
  const listedIds = new Set(deps.config.providers.map((provider) => provider.id));
  const listed = (deps.providers?.signIn ?? []).filter((provider) => listedIds.has(provider.id));
  return {
    healthz(_req: Request, res: Response): void {
      res.set('Cache-Control', 'no-store').type('text').send('ok');
    },
    async readyz(_req: Request, res: Response): Promise<void> {
      const checks = {
        shuttingDown: deps.lifecycle.shuttingDown,
        idpDiscovery: deps.idp.isReady(),
        sessionStore: deps.lifecycle.shuttingDown ? false : await storeReachable(deps),
      };
      // Each listed provider's discovery, by id: every one must have loaded, as the default's must.
      const providers = listed.length === 0 ? undefined : Object.fromEntries(listed.map((p) => [p.id, p.idp.isReady()]));
      const providersReady = providers === undefined || Object.values(providers).every(Boolean);
      const ready = !checks.shuttingDown && checks.idpDiscovery && checks.sessionStore && providersReady;
      res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ ready, checks: providers === undefined ? checks : { ...checks, providers } });
    },
  };
}
