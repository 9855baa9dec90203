/**
 * Kibana's way in with Elasticsearch's own OpenID Connect realm, in Debian's Chromium through
 * nginx rendered like ingress-nginx, with `backend=elasticsearch-oidc` on the auth-url: the
 * browser signs in at the test IdP through the Elasticsearch stand-in's realm (gatehouse its
 * facilitator), the app behind nginx receives `Authorization: Bearer <the stand-in's access
 * token>` and the stand-in's `_authenticate` takes it; after the token's short lifetime many
 * concurrent requests cause one refresh; sign-out goes through Elasticsearch's logout and the
 * provider's, and the token stops working.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../stand-ins/elasticsearch/stand-in.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';
import { launchBrowser, newContext } from '../support/browser.ts';
import { httpRequest } from '../support/http-client.ts';

// Short enough to wait out in a test: due for refresh 10 s before expiry, so after 5 s.
const TOKEN_SECONDS = 15;
const FACILITATOR = { username: 'facilitator', password: 'facilitator-password', roles: ['facilitator-role'] };

describe('Kibana through Elasticsearch\'s OpenID Connect realm, in a real browser', () => {
  let es: ElasticsearchStandIn;
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    const clientSecret = randomBytes(16).toString('hex');
    es = await startElasticsearchStandIn({ admin: FACILITATOR, roles: { 'facilitator-role': ['manage_oidc', 'manage_token'] }, tokenLifetimeSeconds: TOKEN_SECONDS });
    stack = await startStack({
      extraIdpClients: (baseUrl) => [
        { clientId: 'elasticsearch-rp', clientSecret, redirectUris: [`${baseUrl}/oauth2/callback`], postLogoutRedirectUris: [`${baseUrl}/oauth2/signed_out`], pkce: false },
      ],
      gatehouseEnv: {
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: FACILITATOR.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: FACILITATOR.password,
        GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc1',
        GATEHOUSE_REFRESH_BEFORE_EXPIRY: '10s',
      },
      nginx: { ingresses: [{ name: 'kibana', path: '/', authQuery: '?backend=elasticsearch-oidc', signin: 'relative-rd' }], responseHeaders: DEFAULT_AUTH_RESPONSE_HEADERS },
    });
    es.addOidcRealm({
      name: 'oidc1',
      issuer: stack.idp.issuer,
      clientId: 'elasticsearch-rp',
      clientSecret,
      redirectUri: `${stack.baseUrl}/oauth2/callback`,
      postLogoutRedirectUri: `${stack.baseUrl}/oauth2/signed_out`,
      requestedScopes: ['profile', 'email', 'groups'],
      claims: { principal: 'preferred_username', groups: 'groups', name: 'name', mail: 'email' },
      roleMappings: [{ roles: ['kibana_admin'], groups: 'admins' }, { roles: ['viewer'] }],
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await es?.close();
  });

  async function signedInPage(target: string): Promise<Page> {
    const page = await (await newContext(browser)).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(target);
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'alice');
    await page.click('button[type="submit"]');
    await page.waitForURL(target);
    return page;
  }

  /** What the app saw for a request with the browser's cookies, through nginx. */
  async function appSees(page: Page): Promise<{ status: number; authorization: string | undefined }> {
    const cookie = (await page.context().cookies(stack.baseUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await httpRequest(`${stack.baseUrl}/app/home`, { headers: { accept: 'application/json', cookie } });
    const authorization = res.status === 200 ? (JSON.parse(res.body) as { headers: Record<string, string> }).headers.authorization : undefined;
    return { status: res.status, authorization };
  }

  const refreshes = (): number => es.requestLog.filter((r) => r.path === '/_security/oauth2/token' && r.status === 200).length;

  it("signs in at the provider through Elasticsearch's realm, and the app gets a Bearer token Elasticsearch accepts", async () => {
    const page = await signedInPage(`${stack.baseUrl}/app/discover?_g=(time:(from:now-15m))`);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    assert.match(await page.locator('#auth-headers').innerText(), /Bearer /);
    const cookies = await page.context().cookies(stack.baseUrl);
    assert.ok(!cookies.some((c) => c.name.startsWith('gatehouse_login_')), 'the sign-in cookie is gone');
    const { authorization } = await appSees(page);
    assert.match(authorization ?? '', /^Bearer \S{40,}$/);
    assert.ok(es.authenticate(authorization as string), "the stand-in's _authenticate accepts it");
    assert.ok(!cookies.some((c) => c.value.includes((authorization as string).slice(7, 30))), 'the token is not in a cookie');
    assert.ok(es.requestLog.some((r) => r.path === '/_security/oidc/authenticate' && r.user === 'facilitator' && r.status === 200));
    await page.context().close();
  });

  it('after the short token lifetime, 20 concurrent requests cause one refresh, and the new token works', async () => {
    const page = await signedInPage(`${stack.baseUrl}/app/home`);
    const first = await appSees(page);
    const before = refreshes();
    await sleep((TOKEN_SECONDS - 10) * 1000 + 500);
    const seen = await Promise.all(Array.from({ length: 20 }, () => appSees(page)));
    assert.deepEqual([...new Set(seen.map((s) => s.status))], [200]);
    assert.equal(refreshes() - before, 1, 'one refresh for all of them');
    const tokens = new Set(seen.map((s) => s.authorization));
    assert.equal(tokens.size, 1, 'every request got the refreshed token');
    assert.notEqual([...tokens][0], first.authorization);
    assert.ok(es.authenticate([...tokens][0] as string));
    await page.context().close();
  });

  it('sign-out goes through Elasticsearch\'s logout and the provider\'s, and the token stops working', async () => {
    const page = await signedInPage(`${stack.baseUrl}/app/home`);
    const { authorization } = await appSees(page);
    assert.ok(es.authenticate(authorization as string));
    await page.click('#sign-out');
    await page.waitForURL(`${stack.baseUrl}/oauth2/signed_out?*`);
    assert.equal(await page.locator('h1').innerText(), 'You are signed out');
    assert.ok(es.requestLog.some((r) => r.path === '/_security/oidc/logout' && r.status === 200));
    assert.equal(es.authenticate(authorization as string), false, 'Elasticsearch no longer takes the token');
    assert.equal((await appSees(page)).status, 302, 'the app asks to sign in again');
    await page.goto(`${stack.baseUrl}/app/home`);
    await page.waitForURL(/\/interaction\//);
    await page.context().close();
  });
});
