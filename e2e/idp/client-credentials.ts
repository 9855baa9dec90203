/**
 * A machine's access token from the test IdP: the client credentials grant (RFC 6749 §4.4) with a
 * resource indicator (RFC 8707), as a CI job or another service gets one. The client authenticates
 * with client_secret_basic, as most machine clients do.
 */
import { httpRequest } from '../support/http-client.ts';

/** What to ask for. */
export interface ClientCredentialsRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The resource server the token is for; its `aud`. */
  readonly resource: string;
  /** Space-separated scopes, among the resource server's. */
  readonly scope?: string;
}

/**
 * Asks `issuer`'s token endpoint for an access token.
 * @throws Error naming the status and the IdP's error when no token is issued
 */
export async function clientCredentialsToken(issuer: string, request: ClientCredentialsRequest): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`).toString('base64');
  const form = new URLSearchParams({ grant_type: 'client_credentials', resource: request.resource, ...(request.scope && { scope: request.scope }) });
  const res = await httpRequest(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  const answer = JSON.parse(res.body) as { access_token?: string; error?: string; error_description?: string };
  if (res.status !== 200 || typeof answer.access_token !== 'string') {
    throw new Error(`client credentials grant refused: ${res.status} ${answer.error ?? ''} ${answer.error_description ?? ''}`);
  }
  return answer.access_token;
}
