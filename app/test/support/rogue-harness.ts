/** gatehouse in-process against the rogue provider, for tests of what a misbehaving provider sends. */
import { setTimeout as sleep } from 'node:timers/promises';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startRogueIdp, type RogueIdp } from './rogue-idp.ts';

/** A running gatehouse with its rogue provider. */
export interface RogueHarness {
  readonly idp: RogueIdp;
  readonly server: RunningServer;
  /** gatehouse's origin. */
  readonly base: string;
  stop(): Promise<void>;
}

/** Starts the rogue provider and a gatehouse configured against it, ready to sign in. */
export async function startRogueHarness(): Promise<RogueHarness> {
  const idp = await startRogueIdp('gatehouse');
  const [port, metricsPort] = await freePorts(2);
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(
    loadConfig(localGatehouseEnv({ issuer: idp.issuer, clientSecret: 'secret', origin: base, port, metricsPort }, { GATEHOUSE_LOG_LEVEL: 'silent' })),
  );
  for (let i = 0; i < 100 && !server.deps.idp.isReady(); i++) await sleep(20);
  return {
    idp,
    server,
    base,
    async stop() {
      await server.stop();
      await idp.close();
    },
  };
}
