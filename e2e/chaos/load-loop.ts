/**
 * A steady, bounded load of checks from many sessions, valid and not, through nginx and straight
 * to the replicas (load-check.ts), counted per phase (phase-tally.ts). Workers share keep-alive
 * agents and pace themselves to a total rate; the loop stops at a request cap or when told.
 */
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendCheck, type CheckMix, type CheckRouting, type LoadSession } from './load-check.ts';
import { newPhase, type PhaseTally } from './phase-tally.ts';

/** Options of {@link startLoad}. */
export interface LoadOptions extends CheckMix {
  readonly sessions: readonly LoadSession[];
  /** Concurrent requests at most. */
  readonly concurrency: number;
  /** Requests per second over all workers. */
  readonly ratePerSecond: number;
  /** The loop stops after this many requests whatever happens. */
  readonly maxRequests: number;
  /** ...or after this long, whatever happens. */
  readonly maxSeconds: number;
  /** A request not answered within this is counted as `timeout`. */
  readonly timeoutMs?: number;
}

/** A running load. */
export interface LoadRun {
  /** Starts a new phase; later answers count there. */
  phase(name: string): void;
  /** Stops the workers, waits for the requests in flight, and returns every phase. */
  stop(): Promise<PhaseTally[]>;
  /** Requests sent so far. */
  sent(): number;
  /** The phases so far, the current one last (still counting). */
  tallies(): readonly PhaseTally[];
}

/** Starts the workers at once. */
export function startLoad(options: LoadOptions): LoadRun {
  const { sessions } = options;
  const agents = new Map<number, Agent>();
  const routing: CheckRouting = {
    targets: options.targets,
    directShare: options.directShare,
    elasticsearchShare: options.elasticsearchShare,
    timeoutMs: options.timeoutMs ?? 15_000,
    agentFor(port) {
      let agent = agents.get(port);
      if (!agent) agents.set(port, (agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })));
      return agent;
    },
  };
  const phases: PhaseTally[] = [newPhase('start')];
  let stopped = false;
  let sent = 0;
  let pick = 0;

  const intervalMs = (1000 * options.concurrency) / options.ratePerSecond;
  const deadline = performance.now() + options.maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    // Spread the workers' first requests over one interval.
    await sleep(Math.random() * intervalMs);
    while (!stopped && sent < options.maxRequests && performance.now() < deadline) {
      const started = performance.now();
      const n = sent++;
      // An answer counts in the phase its request was sent in.
      await sendCheck(routing, sessions[pick++ % sessions.length] as LoadSession, n, phases.at(-1) as PhaseTally);
      const rest = intervalMs - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);

  return {
    phase(name) {
      (phases.at(-1) as PhaseTally).endedAt = performance.now();
      phases.push(newPhase(name));
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
      (phases.at(-1) as PhaseTally).endedAt = performance.now();
      for (const agent of agents.values()) agent.destroy();
      return phases;
    },
    sent: () => sent,
    tallies: () => phases,
  };
}
