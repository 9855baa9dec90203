/**
 * Keeps the Elasticsearch stand-in's OpenID Connect facilitator APIs faithful to Elastic's pages:
 * prepare, authenticate (as the relying party of the real test IdP), the refresh grant of the get
 * token API and logout — request and response bodies, the errors, and the privileges they need —
 * with plain HTTP and with the official client.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { startTestIdp, type TestIdp } from '../../idp/test-idp.ts';
import { signInAtProvider } from '../../support/provider-login.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from './stand-in.ts';

// Nothing listens here: the facilitator's callback, where the IdP sends the browser back.
const CALLBACK = 'http://127.0.0.1:9/oauth2/callback';
const SIGNED_OUT = 'http://127.0.0.1:9/oauth2/signed_out';
const FACILITATOR = { username: 'facilitator', password: 'facilitator-password', roles: ['facilitator-role'] };

let idp: TestIdp;
let es: ElasticsearchStandIn;
before(async () => {
  const clientSecret = randomBytes(16).toString('hex');
  idp = await startTestIdp({
    clients: [{ clientId: 'elasticsearch-rp', clientSecret, redirectUris: [CALLBACK], postLogoutRedirectUris: [SIGNED_OUT], pkce: false }],
  });
  es = await startElasticsearchStandIn({
    admin: FACILITATOR,
    roles: { 'facilitator-role': ['manage_oidc', 'manage_token'], 'oidc-only': ['manage_oidc'] },
    users: [{ username: 'no-privileges', password: 'no-privileges', roles: ['oidc-only'] }],
  });
  es.addOidcRealm({
    name: 'oidc1',
    issuer: idp.issuer,
    clientId: 'elasticsearch-rp',
    clientSecret,
    redirectUri: CALLBACK,
    postLogoutRedirectUri: SIGNED_OUT,
    requestedScopes: ['profile', 'email', 'groups'],
    claims: { principal: 'preferred_username', groups: 'groups', name: 'name', mail: 'email' },
    roleMappings: [{ roles: ['kibana_admin'], groups: 'admins' }, { roles: ['viewer'] }],
  });
});
after(async () => {
  await es?.close();
  await idp?.close();
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const facilitator = basic(FACILITATOR.username, FACILITATOR.password);
const post = async (path: string, body: unknown, authorization = facilitator) => {
  const response = await fetch(`${es.url}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
};
const get = async (path: string, authorization: string) => {
  const response = await fetch(`${es.url}${path}`, { headers: { authorization } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
};

/** prepare, the provider's form, authenticate: what a facilitator does for one sign-in. */
async function signIn(login: string) {
  const prepared = (await post('/_security/oidc/prepare', { realm: 'oidc1' })).body;
  const callback = await signInAtProvider(new URL(prepared.redirect), { login, password: login }, CALLBACK);
  return { prepared, callback, answer: await post('/_security/oidc/authenticate', { redirect_uri: callback.href, state: prepared.state, nonce: prepared.nonce, realm: 'oidc1' }) };
}

describe('Elasticsearch stand-in: the OpenID Connect facilitator APIs', () => {
  test('prepare: the authorization URL with state and nonce it made (or was given), by realm or by issuer', async () => {
    const { status, body } = await post('/_security/oidc/prepare', { realm: 'oidc1' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['nonce', 'realm', 'redirect', 'state']);
    assert.match(body.state, /^[\w-]{43}$/);
    const redirect = new URL(body.redirect);
    assert.equal(`${redirect.origin}${redirect.pathname}`, `${idp.issuer}/auth`);
    const params = Object.fromEntries(redirect.searchParams);
    assert.deepEqual(params, {
      client_id: 'elasticsearch-rp', scope: 'openid profile email groups', response_type: 'code', redirect_uri: CALLBACK, state: body.state, nonce: body.nonce,
    });
    const given = (await post('/_security/oidc/prepare', { realm: 'oidc1', state: 'lGYK0EcSLjqH6pkT5EVZjC6eIW5YCGgywj2sxROO', nonce: 'zOBXLJGUooRrbLbQk5YCcyC8AXw3iloynvluYhZ5' })).body;
    assert.deepEqual([given.state, given.nonce], ['lGYK0EcSLjqH6pkT5EVZjC6eIW5YCGgywj2sxROO', 'zOBXLJGUooRrbLbQk5YCcyC8AXw3iloynvluYhZ5']);
    const third = (await post('/_security/oidc/prepare', { iss: idp.issuer, login_hint: 'this_is_an_opaque_string' })).body;
    assert.equal(third.realm, 'oidc1');
    assert.equal(new URL(third.redirect).searchParams.get('login_hint'), 'this_is_an_opaque_string');
  });

  test('prepare refuses as Elasticsearch does: validation, unknown realm, unknown field, privileges, credentials', async () => {
    const reasonOf = async (body: unknown, authorization = facilitator) => {
      const answer = await post('/_security/oidc/prepare', body, authorization);
      return `${answer.status} ${answer.body.error.type}: ${answer.body.error.reason}`;
    };
    assert.equal(await reasonOf({}), '400 action_request_validation_exception: Validation Failed: 1: one of [realm, issuer] must be provided;');
    assert.equal(await reasonOf({ realm: 'oidc1', iss: idp.issuer }), '400 action_request_validation_exception: Validation Failed: 1: only one of [realm, issuer] can be provided in the same request;');
    assert.equal(await reasonOf({ realm: 'nope' }), '500 security_exception: Cannot find OpenID Connect realm with name [nope]');
    assert.equal(await reasonOf({ realm: 'oidc1', redirect_uri: 'x' }), '400 x_content_parse_exception: [1:2] [oidc_prepare_authentication] unknown field [redirect_uri]');
    assert.match(await reasonOf({ realm: 'oidc1' }, basic('facilitator', 'wrong')), /^401 security_exception: unable to authenticate user \[facilitator\] for REST request \[\/_security\/oidc\/prepare\]$/);
    const denied = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'x' }, basic('no-privileges', 'no-privileges'));
    assert.equal(denied.status, 403);
    assert.match(denied.body.error.reason, /^action \[cluster:admin\/xpack\/security\/token\/refresh\] is unauthorized for user \[no-privileges\]/);
  });

  test('authenticate: Elasticsearch tokens and the user its realm mapped; the access token is a Bearer credential', async () => {
    const { answer } = await signIn('alice');
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body).sort(), ['access_token', 'authentication', 'expires_in', 'refresh_token', 'username']);
    assert.equal(answer.body.expires_in, 1200);
    const { authentication } = answer.body;
    assert.deepEqual([authentication.username, authentication.roles, authentication.full_name, authentication.email], ['alice', ['kibana_admin', 'viewer'], 'Alice Admin', 'alice@example.com']);
    assert.deepEqual(authentication.metadata['oidc(groups)'], ['admins', 'devs']);
    assert.deepEqual([authentication.authentication_realm, authentication.authentication_type], [{ name: 'oidc1', type: 'oidc' }, 'realm']);
    const me = await get('/_security/_authenticate', `Bearer ${answer.body.access_token}`);
    assert.deepEqual([me.status, me.body.username, me.body.roles, me.body.authentication_type], [200, 'alice', ['kibana_admin', 'viewer'], 'token']);
    assert.equal((await signIn('bob')).answer.body.authentication.roles.join(), 'viewer', 'a mapping without groups applies to all');
  });

  test('authenticate refuses a wrong state or nonce, or a code used twice, with the 401 of a realm that failed', async () => {
    const UNABLE = 'unable to authenticate user [<OIDC Token>] for action [cluster:admin/xpack/security/oidc/authenticate]';
    const first = await signIn('carol');
    assert.equal(first.answer.status, 200);
    const replay = await post('/_security/oidc/authenticate', { redirect_uri: first.callback.href, state: first.prepared.state, nonce: first.prepared.nonce });
    assert.deepEqual([replay.status, replay.body.error.type, replay.body.error.reason, replay.body.status], [401, 'security_exception', UNABLE, 401]);
    const prepared = (await post('/_security/oidc/prepare', { realm: 'oidc1' })).body;
    const callback = await signInAtProvider(new URL(prepared.redirect), { login: 'carol', password: 'carol' }, CALLBACK);
    const failures = es.oidcFailures.length;
    const wrongState = await post('/_security/oidc/authenticate', { redirect_uri: callback.href, state: 'another-state-entirely-000000', nonce: prepared.nonce });
    assert.deepEqual([wrongState.status, wrongState.body.error.reason], [401, UNABLE]);
    assert.match(es.oidcFailures[failures] ?? '', /^oidc1: Invalid state parameter \[.+\], while \[another-state-entirely-000000\] was expected$/);
    const wrongNonce = await post('/_security/oidc/authenticate', { redirect_uri: callback.href, state: prepared.state, nonce: 'another-nonce' });
    assert.deepEqual([wrongNonce.status, wrongNonce.body.error.reason], [401, UNABLE]);
    assert.match(es.oidcFailures.at(-1) ?? '', /nonce/);
    const missing = await post('/_security/oidc/authenticate', { redirect_uri: callback.href });
    assert.equal(missing.body.error.reason, 'Validation Failed: 1: state parameter is missing;2: nonce parameter is missing;');
  });

  test('refresh: a new pair once per refresh token, only for the client that created it', async () => {
    const { answer } = await signIn('alice');
    const refreshed = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: answer.body.refresh_token });
    assert.equal(refreshed.status, 200);
    assert.deepEqual([refreshed.body.type, refreshed.body.expires_in, refreshed.body.authentication.username], ['Bearer', 1200, 'alice']);
    assert.notEqual(refreshed.body.access_token, answer.body.access_token);
    assert.equal((await get('/_security/_authenticate', `Bearer ${refreshed.body.access_token}`)).status, 200);
    const again = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: answer.body.refresh_token });
    assert.deepEqual([again.status, again.body], [400, { error: 'invalid_grant', error_description: 'token has already been refreshed' }]);
    const unknown = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'vLBPvmAB6KvwvJZr27cS' });
    assert.deepEqual(unknown.body, { error: 'invalid_grant', error_description: 'could not refresh the requested token' });
    const otherClient = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }, basic(es.admin.username, 'x'));
    assert.equal(otherClient.status, 401, 'wrong credentials first');
  });

  test('logout: token (not access_token), both tokens invalidated, the provider end-session URL to follow', async () => {
    const { answer } = await signIn('bob');
    const misnamed = await post('/_security/oidc/logout', { access_token: answer.body.access_token });
    assert.deepEqual([misnamed.status, misnamed.body.error.reason], [400, '[1:2] [oidc_logout] unknown field [access_token]']);
    const out = await post('/_security/oidc/logout', { token: answer.body.access_token, refresh_token: answer.body.refresh_token });
    assert.equal(out.status, 200);
    const redirect = new URL(out.body.redirect);
    assert.equal(`${redirect.origin}${redirect.pathname}`, `${idp.issuer}/session/end`);
    assert.equal(redirect.searchParams.get('post_logout_redirect_uri'), SIGNED_OUT);
    assert.match(redirect.searchParams.get('id_token_hint') ?? '', /^eyJ/);
    const me = await get('/_security/_authenticate', `Bearer ${answer.body.access_token}`);
    assert.deepEqual([me.status, me.body.error.reason], [401, 'token expired']);
    assert.match(me.headers.get('www-authenticate') ?? '', /^Bearer realm="security", error="invalid_token"/);
    const refresh = await post('/_security/oauth2/token', { grant_type: 'refresh_token', refresh_token: answer.body.refresh_token });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  test('the official client drives the same APIs', async () => {
    const client = new Client({ node: es.url, auth: { username: FACILITATOR.username, password: FACILITATOR.password } });
    try {
      const prepared = await client.security.oidcPrepareAuthentication({ realm: 'oidc1' });
      const callback = await signInAtProvider(new URL(prepared.redirect), { login: 'alice', password: 'alice' }, CALLBACK);
      const tokens = await client.security.oidcAuthenticate({ redirect_uri: callback.href, state: prepared.state, nonce: prepared.nonce, realm: prepared.realm });
      const refreshed = await client.security.getToken({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      const out = await client.security.oidcLogout({ token: refreshed.access_token, refresh_token: refreshed.refresh_token as string });
      assert.match(out.redirect, /\/session\/end\?/);
    } finally {
      await client.close();
    }
  });
});
