/**
 * One call to an issuer's introspection endpoint (RFC 7662 §2): the token, `token_type_hint=
 * access_token` and gatehouse's client authentication in a form POST; the answer is active (with
 * its members), inactive, or unavailable. Only a 200 with a JSON object whose `active` is a boolean
 * is an answer: a refused client authentication (400/401), a 5xx, a redirect, a body that is not
 * JSON or too large means the issuer could not say, and the check answers 503, not 401, because the
 * token may well be good. Never throws.
 */
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';
import type { Authenticate } from './client-authentication.ts';

/** What the issuer said about a token. */
export type IntrospectionAnswer =
  | { readonly kind: 'active'; readonly members: Readonly<Record<string, unknown>> }
  | { readonly kind: 'inactive' }
  | { readonly kind: 'unavailable'; readonly detail: string };

/** Real answers are a few KiB. */
const MAX_BODY_BYTES = 64 * 1024;

const unavailable = (detail: string): IntrospectionAnswer => ({ kind: 'unavailable', detail });

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

/** Where and how to introspect. */
export interface IntrospectionCall {
  readonly endpoint: string;
  readonly authenticate: Authenticate;
  readonly fetch: OutboundFetch;
  readonly timeoutMs: number;
}

/** Asks the endpoint about `token`. */
export async function introspect(call: IntrospectionCall, token: string): Promise<IntrospectionAnswer> {
  try {
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    await call.authenticate(form, headers);
    const response = await call.fetch(call.endpoint, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      const refused = response.status === 400 || response.status === 401 || response.status === 403;
      return unavailable(refused ? `the endpoint refused gatehouse's client authentication (${response.status})` : `the endpoint answered ${response.status}`);
    }
    if (!/^application\/json\s*(;|$)/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return unavailable('the endpoint did not answer with JSON');
    }
    const text = await readCapped(response);
    if (text === undefined) return unavailable('the answer is larger than 64 KiB');
    const members: unknown = JSON.parse(text);
    if (typeof members !== 'object' || members === null || Array.isArray(members)) return unavailable('the answer is not a JSON object');
    const active = (members as Record<string, unknown>).active;
    if (active === false) return { kind: 'inactive' };
    if (active !== true) return unavailable('the answer has no boolean active');
    return { kind: 'active', members: members as Record<string, unknown> };
  } catch (err) {
    // Network failures are logged by the fetch with their cause; the token never is.
    return unavailable(`the call failed: ${(err as Error)?.name ?? 'error'}`);
  }
}
