/**
 * Browsers and machines on one route, through real nginx rendered as ingress-nginx renders
 * auth-url: alice's browser session and CI jobs' client credentials tokens from two real providers
 * (the stack's own and a second instance) reach the app on the same Ingress, each named in
 * X-Auth-Request-Source; the same app behind an Ingress whose auth-url says sources=bearer refuses
 * the cookie, and nginx hands the client gatehouse's RFC 6750 WWW-Authenticate. A forged token
 * never reaches the app.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clientCredentialsToken } from '../idp/client-credentials.ts';
import { startTestIdp, type TestIdp } from '../idp/test-idp.ts';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

const API = 'https://app.example.test';
const MACHINE = { redirectUris: [], grantTypes: ['client_credentials'] };

describe('browsers and machines on one route, through nginx', () => {
  let stack: Stack;
  let partner: TestIdp;
  let dir: string;
  let alice: string;
  let ciToken: () => Promise<string>;
  let partnerToken: () => Promise<string>;
  const get = (path: string, headers: Record<string, string>) => httpRequest(`${stack.baseUrl}${path}`, { headers: { accept: 'application/json', ...headers } });
  const seen = (body: string): Record<string, string> => (JSON.parse(body) as { headers: Record<string, string> }).headers;

  before(async () => {
    partner = await startTestIdp({ clients: [{ clientId: 'deploy-job', clientSecret: 'partner-secret', ...MACHINE }], resourceServers: [{ indicator: API, scope: 'deploy', format: 'jwt' }] });
    // The stack's provider is bound to this port, so its issuer can be listed before it starts.
    const [idpPort] = await freePorts(1);
    const issuer = `http://127.0.0.1:${idpPort}`;
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-tokens-e2e-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      `bearer:
  issuers:
    - { issuer: "${issuer}", audiences: ["${API}"], username_prefix: "ci:" }
    - { issuer: "${partner.issuer}", audiences: ["${API}"], username_prefix: "partner:" }
`,
    );
    stack = await startStack({
      idpPort,
      idpResourceServers: [{ indicator: API, scope: 'api:read api:write', format: 'jwt' }],
      extraIdpClients: () => [{ clientId: 'ci-job', clientSecret: 'ci-secret', ...MACHINE }],
      gatehouseEnv: { GATEHOUSE_IDENTITY_SOURCES: 'session,bearer', GATEHOUSE_CONFIG_FILE: file },
      nginx: {
        ingresses: [
          { name: 'app', path: '/', authQuery: '', signin: 'relative-rd' },
          { name: 'app-machines', path: '/machines', authQuery: '?sources=bearer&allowed_scopes=api:write,deploy', signin: 'none' },
        ],
        responseHeaders: [...DEFAULT_AUTH_RESPONSE_HEADERS, 'X-Auth-Request-Source'],
      },
    });
    alice = (await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' })).cookieHeader;
    ciToken = () => clientCredentialsToken(issuer, { clientId: 'ci-job', clientSecret: 'ci-secret', resource: API, scope: 'api:read api:write' });
    partnerToken = () => clientCredentialsToken(partner.issuer, { clientId: 'deploy-job', clientSecret: 'partner-secret', resource: API, scope: 'deploy' });
  });
  after(async () => {
    await stack?.stop();
    await partner?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one route serves alice’s browser session and CI jobs’ tokens from two issuers at once', async () => {
    const browser = await get('/reports', { cookie: alice });
    assert.equal(browser.status, 200, browser.body);
    assert.deepEqual([seen(browser.body)['x-auth-request-user'], seen(browser.body)['x-auth-request-source']], ['alice', 'session']);
    const ci = await get('/reports', { authorization: `Bearer ${await ciToken()}` });
    assert.equal(ci.status, 200, ci.body);
    assert.deepEqual([seen(ci.body)['x-auth-request-user'], seen(ci.body)['x-auth-request-source']], ['ci:ci-job', 'bearer']);
    const deploy = await get('/reports', { authorization: `Bearer ${await partnerToken()}` });
    assert.equal(seen(deploy.body)['x-auth-request-user'], 'partner:deploy-job');
    const both = await get('/reports', { cookie: alice, authorization: `Bearer ${await ciToken()}` });
    assert.equal(seen(both.body)['x-auth-request-user'], 'ci:ci-job', 'a request with a token is judged on the token alone');
  });

  it('the same app with sources=bearer refuses the cookie; nginx passes gatehouse’s challenge on', async () => {
    const cookie = await get('/machines/deploy', { cookie: alice });
    assert.equal(cookie.status, 401);
    assert.equal(cookie.headers['www-authenticate'], 'Bearer realm="gatehouse"');
    assert.equal((await get('/machines/deploy', { authorization: `Bearer ${await ciToken()}` })).status, 200);
    assert.equal((await get('/machines/deploy', { authorization: `Bearer ${await partnerToken()}` })).status, 200);
  });

  it('a forged token is 401 with invalid_token and never reaches the app', async () => {
    const token = await ciToken();
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
    const before = stack.echo.requests().length;
    const res = await get('/machines/deploy', { authorization: `Bearer ${forged}` });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse", error="invalid_token", error_description="the access token is not valid"');
    assert.equal(stack.echo.requests().length, before);
  });
});
