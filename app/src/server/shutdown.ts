/**
 * Graceful shutdown: readiness fails at once, no new connections are accepted, in-flight requests
 * finish within the timeout (then remaining connections are cut), and the store closes last.
 */
import type { Server } from 'node:http';
import type { AppDeps } from '../deps.ts';

/** What shutDown needs. */
export interface ShutdownParts {
  readonly main: Server;
  readonly metricsServer: Server;
  readonly deps: AppDeps;
  readonly timeoutMs: number;
}

function closeServer(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(true);
    });
    // Idle keep-alive connections would hold close() open until they time out.
    server.closeIdleConnections();
  });
}

/** Shuts down; resolves when everything is closed. */
export async function shutDown({ main, metricsServer, deps, timeoutMs }: ShutdownParts): Promise<void> {
  deps.lifecycle.shuttingDown = true;
  deps.logger.info({ timeoutMs }, 'shutting down: finishing in-flight requests');
  const drained = await closeServer(main, timeoutMs);
  if (!drained) deps.logger.warn('shutdown timeout reached; cut the remaining connections');
  await closeServer(metricsServer, 1000);
  deps.idp.close();
  for (const provider of deps.providers?.signIn ?? []) provider.idp.close();
  await deps.store.close();
  deps.logger.info('shutdown complete');
}
