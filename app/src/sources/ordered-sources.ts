/**
 * The identity sources of a deployment, tried in the configured order: the first whose
 * credential is present decides, and an invalid credential is 401, never a try of the next
 * source. Credentials the client sends deliberately (a Bearer token) are looked for before those
 * a browser attaches by itself (the session cookie), so a request carrying a token is judged on
 * that token alone, never on a cookie it also carries. Among deliberate ones, a source that
 * recognises only its own tokens (ServiceAccount tokens by their issuer) is asked before one that
 * takes any Bearer token. A route may narrow the list
 * (`sources=bearer`), keeping the configured order.
 */
import type { IncomingMessage } from 'node:http';
import type { Identified } from './identified.ts';
import type { SourceName } from '../config/identity-sources.ts';
import type { AppDeps } from '../deps.ts';
import { REASONS } from '../policy/reasons.ts';
import type { IdentitySource, SourceContext } from './identity-source.ts';
import { SOURCE_FACTORIES } from './registry.ts';

/** Identifies a request with every source, or only the route's (`only`). */
export type OrderedIdentifier = (req: IncomingMessage, only?: ReadonlySet<SourceName>, context?: SourceContext) => Identified | Promise<Identified>;

/** Builds the configured sources, in order. */
export function createIdentitySources(deps: AppDeps): IdentitySource[] {
  return deps.config.identitySources.map((name) => SOURCE_FACTORIES[name](deps));
}

/** Picks the source of each request among `configured`. */
export function orderSources(configured: readonly IdentitySource[]): OrderedIdentifier {
  const sources = [
    ...configured.filter((s) => s.explicit && s.specific === true),
    ...configured.filter((s) => s.explicit && s.specific !== true),
    ...configured.filter((s) => !s.explicit),
  ];
  const [only] = configured;
  return (req, narrowed, context) => {
    // One source and no narrowing, the common case: it says itself when its credential is missing.
    if (sources.length === 1 && narrowed === undefined && only) return only.identify(req, context);
    for (const source of sources) {
      if (narrowed !== undefined && !narrowed.has(source.name)) continue;
      if (source.present(req)) return source.identify(req, context);
    }
    // No credential at all: say what the first source the route accepts was missing.
    const first = configured.find((s) => narrowed === undefined || narrowed.has(s.name));
    return { state: 'unauthenticated', reason: first?.missing ?? REASONS.sessionMissing };
  };
}
