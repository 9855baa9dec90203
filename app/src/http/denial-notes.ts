/**
 * What a route required, kept briefly after a check denied it, for the denied page that
 * ingress-nginx asks for in a second request (its custom error page). The two requests share
 * only nginx's X-Request-ID, so the note is keyed by it and bound to the user: a page shows a
 * note only to the user the check refused. The notes live in this process: with several replicas
 * the page request may reach another one, which then says only that access is not allowed.
 */
import type { CheckOutcome } from '../check/check-outcome.ts';
import type { ProxyAdapter } from '../proxies/proxy-adapter.ts';
import { describeNeeds } from './describe-needs.ts';
import { requestIdOf } from './request-id.ts';

/** A short-lived memory of denials by request id. */
export interface DenialNotes {
  /** Remembers what `user` lacked on the request `requestId`. */
  note(requestId: string, user: string, needs: readonly string[]): void;
  /** What `user` lacked on `requestId`, once; undefined when unknown, expired or another user's. */
  take(requestId: string, user: string): readonly string[] | undefined;
}

interface Note {
  readonly user: string;
  readonly needs: readonly string[];
  readonly expires: number;
}

/** Options of {@link createDenialNotes}. */
export interface DenialNotesOptions {
  /** nginx asks for the page right after the check; a minute covers a slow hop. Default 60 s. */
  readonly ttlMs?: number;
  /** Bounded so a flood of denials cannot grow memory. Default 10 000. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Creates an empty set of notes. */
export function createDenialNotes(options: DenialNotesOptions = {}): DenialNotes {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: the first entry is always the oldest.
  const notes = new Map<string, Note>();
  return {
    note(requestId, user, needs) {
      notes.delete(requestId);
      while (notes.size >= maxEntries) {
        const oldest = notes.keys().next();
        if (oldest.done) break;
        notes.delete(oldest.value);
      }
      notes.set(requestId, { user, needs: Object.freeze([...needs]), expires: now() + ttlMs });
    },
    take(requestId, user) {
      const found = notes.get(requestId);
      if (found === undefined) return undefined;
      notes.delete(requestId);
      return found.expires > now() && found.user === user ? found.needs : undefined;
    },
  };
}

/**
 * Wraps an adapter so that a denial by the route policy leaves a note of what the route needs.
 * Denials for other causes (a backend's refusal, an unusable claim) leave none: the route's
 * requirements would not be what the person lacks.
 */
export function noteDenials(adapter: ProxyAdapter, notes: DenialNotes): ProxyAdapter {
  return {
    ...adapter,
    answer(outcome: CheckOutcome, request, req, res) {
      if (outcome.kind === 'deny' && outcome.route !== undefined) {
        notes.note(requestIdOf(req), outcome.user, describeNeeds(outcome.route.query));
      }
      return adapter.answer(outcome, request, req, res);
    },
  };
}
