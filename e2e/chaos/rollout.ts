/**
 * A rolling restart of the chaos stack under its own load, as a Deployment rollout with the chart's
 * preStop pause does it: each replica in turn leaves nginx's upstream (the endpoint change), pauses,
 * gets SIGTERM and drains, starts again on its port and comes back once ready. Then the same
 * without the endpoint change, SIGTERM while nginx still lists the replica.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CHAOS_SETTINGS, type ChaosStack } from './chaos-stack.ts';
import type { LoadSession } from './load-check.ts';
import { startLoad } from './load-loop.ts';
import type { PhaseTally } from './phase-tally.ts';

/** What the rollout saw. */
export interface RolloutResult {
  readonly phases: readonly PhaseTally[];
  readonly measurements: Array<[string, string]>;
  /** The exit status of every stopped replica. */
  readonly exits: string[];
}

/** Restarts both replicas twice (with, then without, the endpoint change) under a load at `rate`. */
export async function rollingRestart(stack: ChaosStack, sessions: readonly LoadSession[], rate: number): Promise<RolloutResult> {
  const load = startLoad({
    targets: { nginxPort: stack.nginx.port, replicaPorts: stack.replicas.map((r) => r.port) },
    sessions,
    concurrency: 16,
    ratePerSecond: rate,
    directShare: 0,
    elasticsearchShare: 0.25,
    maxRequests: 100_000,
    maxSeconds: 120,
  });
  const measurements: Array<[string, string]> = [];
  const exits: string[] = [];
  load.phase('steady');
  await sleep(2000);
  const restart = async (index: number, removeEndpoint: boolean, label: string): Promise<void> => {
    const replica = stack.replicas[index] as ChaosStack['replicas'][number];
    load.phase(`${label}: replica ${index} terminating`);
    if (removeEndpoint) await stack.nginx.setEndpoints(stack.replicas.map((_, i) => i !== index));
    await sleep(CHAOS_SETTINGS.preStopMs);
    const started = performance.now();
    const running = replica.process;
    await running?.stop('SIGTERM');
    const exited = running?.exitStatus() ?? 'not running';
    exits.push(exited);
    measurements.push([`${label}: replica ${index} exited after SIGTERM`, `${Math.round(performance.now() - started)} ms, ${exited}`]);
    load.phase(`${label}: replica ${index} starting`);
    const starting = performance.now();
    await stack.startReplica(index);
    measurements.push([`${label}: replica ${index} ready again`, `${Math.round(performance.now() - starting)} ms`]);
    if (removeEndpoint) await stack.nginx.setEndpoints(stack.replicas.map(() => true));
    load.phase(`${label}: replica ${index} back`);
    await sleep(2000);
  };
  try {
    // The pod leaves the Service's endpoints, the pause lets the proxy stop sending it new
    // requests, then SIGTERM starts the drain.
    for (const index of [0, 1]) await restart(index, true, 'rollout');
    for (const index of [0, 1]) await restart(index, false, 'SIGTERM while listed');
  } finally {
    await load.stop();
  }
  return { phases: load.tallies().slice(1), measurements, exits };
}
