// The test IdP end to end with a real OIDC client (openid-client): code flow with PKCE, the
// token counters, refresh, the ID token claims, RP-initiated and back-channel logout.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { CookieJar } from '../support/cookie-jar.ts';
import { unescapeHtml } from '../support/escape-html.ts';
import { httpRequest } from '../support/http-client.ts';
import type { HttpResponse } from '../support/http-client.ts';
import { startTestIdp } from './test-idp.ts';
import type { TestIdp } from './test-idp.ts';

const REDIRECT_URI = 'http://localhost:8080/oauth2/callback';
const SIGNED_OUT_URI = 'http://localhost:8080/oauth2/signed_out';

const logoutTokens: string[] = [];
const backchannel = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    logoutTokens.push(new URLSearchParams(Buffer.concat(chunks).toString()).get('logout_token') ?? '');
    res.writeHead(200).end();
  });
});
let idp: TestIdp;
let config: oidc.Configuration;

before(async () => {
  await new Promise<void>((resolve) => backchannel.listen(0, '127.0.0.1', resolve));
  const address = backchannel.address();
  assert.ok(address !== null && typeof address === 'object');
  idp = await startTestIdp({
    accessTokenTtlSeconds: 120,
    clients: [
      {
        clientId: 'rp',
        clientSecret: 'rp-secret',
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [SIGNED_OUT_URI],
        backchannelLogoutUri: `http://127.0.0.1:${address.port}/backchannel`,
      },
    ],
  });
  config = await oidc.discovery(new URL(idp.issuer), 'rp', 'rp-secret', undefined, {
    execute: [oidc.allowInsecureRequests],
  });
});
after(async () => {
  await idp.close();
  await new Promise<void>((resolve) => backchannel.close(() => resolve()));
});

/** Follows redirects (at most 10) from `url`, sending the jar's cookies, until a non-IdP URL. */
async function walk(jar: CookieJar, url: URL, init: { method?: string; body?: string } = {}): Promise<URL | HttpResponse> {
  let next = url;
  let request = init;
  for (let hop = 0; hop < 10; hop++) {
    if (next.origin !== idp.issuer) return next;
    const headers: Record<string, string> = { cookie: jar.header(next) };
    if (request.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await httpRequest(next, { ...request, headers });
    jar.store(next, res.setCookies);
    if (res.headers.location === undefined) return res;
    next = new URL(res.headers.location, next);
    request = {};
  }
  throw new Error('too many redirects');
}

async function signIn(jar: CookieJar, login: string, scope: string, prompt?: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(prompt === undefined ? {} : { prompt }),
  });
  const form = await walk(jar, authUrl);
  assert.ok(!(form instanceof URL), 'expected the login form');
  const action = /action="([^"]+)"/.exec(form.body)?.[1];
  assert.ok(action !== undefined);
  const callback = await walk(jar, new URL(unescapeHtml(action), idp.issuer), {
    method: 'POST',
    body: new URLSearchParams({ login, password: login }).toString(),
  });
  assert.ok(callback instanceof URL, 'expected a redirect back to the client');
  return { callback, tokens: await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }) };
}

test('code flow with PKCE yields the demo claims in the ID token and a refresh token', async () => {
  const before = { ...idp.counters };
  const { callback, tokens } = await signIn(new CookieJar(), 'alice', 'openid profile email groups');
  const claims = tokens.claims();
  assert.ok(claims);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims['email'], 'alice@example.com');
  assert.equal(claims['email_verified'], true);
  assert.equal(claims['name'], 'Alice Admin');
  assert.deepEqual(claims['groups'], ['admins', 'devs']);
  assert.equal(typeof claims['sid'], 'string');
  assert.equal(tokens.expires_in, 120);
  assert.ok(tokens.refresh_token, 'a refresh token without offline_access');

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: 'x'.repeat(43), expectedState: callback.searchParams.get('state') ?? '' }));
  const { tokenRequests, authorizationCodeGrants, refreshGrants } = idp.counters;
  assert.deepEqual({ tokenRequests, authorizationCodeGrants, refreshGrants }, {
    tokenRequests: before.tokenRequests + 3,
    authorizationCodeGrants: before.authorizationCodeGrants + 2,
    refreshGrants: before.refreshGrants + 1,
  });
});

test('control characters in a claim survive into the ID token; prompt=consent is auto-consented', async () => {
  // oidc-provider drops offline_access unless prompt=consent is asked for (OIDC Core 11).
  const { tokens } = await signIn(new CookieJar(), 'mallory', 'openid profile offline_access', 'consent');
  assert.equal(tokens.claims()?.['preferred_username'], 'mallory\r\nX-Injected: 1');
  assert.ok(tokens.scope?.split(' ').includes('offline_access'));
});

test('RP-initiated logout signs out without a confirmation click and calls the back-channel', async () => {
  const jar = new CookieJar();
  const { tokens } = await signIn(jar, 'bob', 'openid');
  const sid = tokens.claims()?.['sid'];
  logoutTokens.length = 0;
  const endUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: SIGNED_OUT_URI, state: 's1' });
  const page = await walk(jar, endUrl);
  assert.ok(!(page instanceof URL));
  // The page submits itself with logout=yes; do what its script does.
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(xsrf !== undefined);
  assert.match(page.body, /f\.submit\(\)/);
  const done = await walk(jar, new URL('/session/end/confirm', idp.issuer), {
    method: 'POST',
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
  assert.ok(done instanceof URL);
  assert.equal(done.href, `${SIGNED_OUT_URI}?state=s1`);
  assert.equal(logoutTokens.length, 1);
  const logoutClaims = decodeJwt(logoutTokens[0] ?? '');
  assert.equal(logoutClaims.sub, 'bob');
  assert.equal(logoutClaims['sid'], sid);
  assert.ok(logoutClaims['events']);
});
