/**
 * Finds the raw value of a claim. A dotted path descends through plain objects only: an array
 * met before the last segment yields nothing, and numeric segments are never indices. Flattening
 * arrays of objects would let the token's shape, rather than the config, decide which values
 * count, and would make one path mean different things for different users.
 */
import type { ClaimSource } from './claims-config.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value at `source` in `claims`, or undefined when any step is missing. Only own properties
 * are read, so names such as `constructor` or `__proto__` never reach the prototype.
 */
export function resolveClaim(claims: Readonly<Record<string, unknown>>, source: ClaimSource): unknown {
  if (source.kind === 'claim') return Object.hasOwn(claims, source.name) ? claims[source.name] : undefined;
  let current: unknown = claims;
  for (const segment of source.segments) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}
