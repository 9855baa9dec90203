/**
 * `X-Auth-Request-Source` on every allowed check: which identity source vouched for the request
 * (`session`, `bearer`, `trusted-headers`), so an upstream can tell a person from a machine. The
 * identity headers of a view are built once per identity; the list with the source header is
 * remembered beside them, so the hot path allocates nothing for it.
 */
import type { SourceName } from '../config/identity-sources.ts';

/** The response header naming the identity source. */
export const SOURCE_HEADER = 'X-Auth-Request-Source';

const withSource = new WeakMap<readonly string[], Partial<Record<SourceName, readonly string[]>>>();

/** `headers` (a flat name/value list) followed by the source header; the same array for the same inputs. */
export function withSourceHeader(headers: readonly string[], source: SourceName | undefined): readonly string[] {
  if (source === undefined) return headers;
  let bySource = withSource.get(headers);
  if (bySource === undefined) {
    bySource = {};
    withSource.set(headers, bySource);
  }
  return (bySource[source] ??= Object.freeze([...headers, SOURCE_HEADER, source]));
}
