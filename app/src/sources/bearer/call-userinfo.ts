/**
 * Asks the provider's userinfo endpoint about a token. A 401/403/400 means the provider refused
 * the token; anything else unexpected (no answer, 5xx, a redirect, a body that is not a JSON
 * object with a `sub`) means the provider could not vouch either way and is reported as
 * unavailable, so the caller answers 503 rather than calling a possibly good token bad.
 */
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';
import { fail, type BearerResult } from './bearer-types.ts';

/** Larger userinfo bodies are refused; real ones are a few KiB. */
const MAX_BODY_BYTES = 64 * 1024;

async function readCapped(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The userinfo claims for `token`, or why there are none; never throws.
 * Signed (application/jwt) userinfo responses are not supported and count as unavailable.
 * @param fetchUserinfo - the provider's fetch; the global fetch when not given
 */
export async function callUserinfo(url: string, token: string, timeoutMs: number, fetchUserinfo: OutboundFetch = fetch): Promise<BearerResult> {
  try {
    const response = await fetchUserinfo(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      await response.body?.cancel();
      return fail('bearer_userinfo_refused', `userinfo answered ${response.status}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return fail('idp_unavailable', `userinfo answered ${response.status}`);
    }
    if (!/^application\/json\s*(;|$)/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return fail('idp_unavailable', 'userinfo did not answer with JSON');
    }
    const text = await readCapped(response);
    if (text === undefined) return fail('idp_unavailable', 'the userinfo response is too large');
    const claims: unknown = JSON.parse(text);
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return fail('idp_unavailable', 'userinfo is not a JSON object');
    const sub = (claims as Record<string, unknown>).sub;
    if (typeof sub !== 'string' || sub === '') return fail('idp_unavailable', 'userinfo has no sub');
    return { ok: true, claims: claims as Record<string, unknown>, via: 'userinfo' };
  } catch (err) {
    return fail('idp_unavailable', `userinfo failed: ${(err as Error)?.name ?? 'error'}`);
  }
}
