/**
 * Opaque tokens through RFC 7662 introspection against a real provider's introspection endpoint:
 * the introspection source keeps the source contract; on a deployment taking both kinds, a JWT goes
 * to the bearer source and an opaque token to introspection; active:false is 401; the audience is
 * proven by the answer (aud or client_id), never assumed; answers are remembered until the token's
 * exp and never past max_cache, so repeated checks cost one call; client_secret_basic,
 * client_secret_post and private_key_jwt all authenticate gatehouse; an endpoint that is down or
 * refuses gatehouse's credentials is 503, never 401.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createIdentitySources } from '../../src/sources/ordered-sources.ts';
import type { IdentitySource } from '../../src/sources/identity-source.ts';
import { sourceContract } from '../../src/sources/source.contract.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { API, OPAQUE_API, startTokenIdps, startTrap, type TokenIdps } from '../support/token-idps.ts';

describe('opaque tokens through introspection', () => {
  let idps: TokenIdps;
  let dir: string;
  let secretFile: string;
  let keyFile: string;
  let gatehouse: SourceServer;
  let introspection: IdentitySource;
  let opaque: string;

  const issuerEntry = (introspectionBlock: string, audiences = OPAQUE_API, extra = ''): string => `
bearer:
  issuers:
    - issuer: ${idps.staff.issuer}
      audiences: [${audiences}]
      username_prefix: "staff:"
      introspection: ${introspectionBlock}
${extra}`;
  const start = (config: string, sources = 'bearer,introspection'): Promise<SourceServer> =>
    startSourceServer({ GATEHOUSE_IDENTITY_SOURCES: sources, GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true' }, config);
  const introspections = (): number => idps.staff.counters.introspectionRequests;

  before(async () => {
    idps = await startTokenIdps();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-introspection-'));
    secretFile = join(dir, 'client-secret');
    writeFileSync(secretFile, idps.introspectionSecret);
    keyFile = join(dir, 'client-key.pem');
    writeFileSync(keyFile, idps.introspectionKeyPem);
    gatehouse = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${secretFile} }`, `${OPAQUE_API}, ${API}`));
    introspection = createIdentitySources(gatehouse.server.deps).find((s) => s.name === 'introspection') as IdentitySource;
    opaque = await idps.ciToken(OPAQUE_API);
  });
  after(async () => {
    await gatehouse?.stop();
    await idps?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the introspection source', () => {
    sourceContract({
      source: () => introspection,
      valid: () => ({ authorization: `Bearer ${opaque}` }),
      user: 'staff:ci-job',
      invalid: () => [{ authorization: 'Bearer no-such-token' }, { authorization: `Bearer ${opaque}x` }],
    });
  });

  it('one deployment, both kinds: an opaque token is introspected, a JWT verified by its keys', async () => {
    const byIntrospection = await gatehouse.check('', { authorization: `Bearer ${opaque}` });
    assert.equal(byIntrospection.status, 200);
    assert.equal(byIntrospection.headers['x-auth-request-user'], 'staff:ci-job');
    assert.equal(byIntrospection.headers['x-auth-request-source'], 'introspection');
    const before = introspections();
    const byKeys = await gatehouse.check('', { authorization: `Bearer ${await idps.ciToken(API)}` });
    assert.equal(byKeys.status, 200);
    assert.equal(byKeys.headers['x-auth-request-source'], 'bearer');
    assert.equal(introspections(), before, 'a JWT is never sent to introspection when the bearer source takes it');
  });

  it('an answer is remembered: 200 checks of one token cost one introspection; the scope is kept for allowed_scopes', async () => {
    const token = await idps.ciToken(OPAQUE_API, 'api:read api:write');
    const before = introspections();
    for (let i = 0; i < 200; i++) assert.equal((await gatehouse.check('?allowed_scopes=api:write', { authorization: `Bearer ${token}` })).status, 200);
    assert.equal(introspections() - before, 1);
    assert.equal((await gatehouse.check('?allowed_scopes=api:write', { authorization: `Bearer ${opaque}` })).status, 403);
  });

  it('active:false is 401 invalid_token, remembered too; a revoked token is refused once its answer is stale', async () => {
    const unknown = await gatehouse.check('', { authorization: 'Bearer no-such-token', accept: 'application/json' });
    assert.equal(unknown.status, 401);
    assert.match(String(unknown.headers['www-authenticate']), /error="invalid_token", error_description="the access token is not active"/);
    const short = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${secretFile}, max_cache: 1s }`), 'introspection');
    try {
      const token = await idps.ciToken(OPAQUE_API);
      assert.equal((await short.check('', { authorization: `Bearer ${token}` })).status, 200);
      assert.equal(await idps.revokeCiToken(token), 200);
      assert.equal((await short.check('', { authorization: `Bearer ${token}` })).status, 200, 'within max_cache the answer stands');
      await sleep(1100);
      assert.equal((await short.check('', { authorization: `Bearer ${token}` })).status, 401, 'never remembered past max_cache');
    } finally {
      await short.stop();
    }
  });

  it('the audience is proven by the answer, in aud or client_id as configured, never assumed', async () => {
    const elsewhere = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${secretFile} }`, 'https://not-this-api.example.test'), 'introspection');
    const byClient = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${secretFile}, audience_claim: client_id }`, 'ci-job'), 'introspection');
    try {
      const wrong = await elsewhere.check('', { authorization: `Bearer ${opaque}`, accept: 'application/json' });
      assert.equal(wrong.status, 401);
      assert.match(String(wrong.headers['www-authenticate']), /not issued for this service/);
      assert.equal((await byClient.check('', { authorization: `Bearer ${opaque}` })).status, 200);
    } finally {
      await elsewhere.stop();
      await byClient.stop();
    }
  });

  it('client_secret_post and private_key_jwt authenticate gatehouse as well as client_secret_basic', async () => {
    for (const block of [
      `{ client_id: gatehouse-introspector-post, auth_method: client_secret_post, client_secret_file: ${secretFile} }`,
      `{ client_id: gatehouse-introspector-jwt, auth_method: private_key_jwt, private_key_file: ${keyFile}, key_id: gatehouse-1 }`,
    ]) {
      const server = await start(issuerEntry(block), 'introspection');
      try {
        const res = await server.check('', { authorization: `Bearer ${opaque}` });
        assert.equal(res.status, 200, block);
        assert.equal(res.headers['x-auth-request-user'], 'staff:ci-job');
      } finally {
        await server.stop();
      }
    }
  });

  it('an endpoint that is down, or refuses gatehouse’s credentials, is 503: the token may well be good', async () => {
    const trap = await startTrap();
    const wrongSecret = join(dir, 'wrong-secret');
    writeFileSync(wrongSecret, 'not-the-secret');
    const down = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${secretFile}, endpoint: ${trap.url}/introspect }`), 'introspection');
    const refused = await start(issuerEntry(`{ client_id: gatehouse-introspector, client_secret_file: ${wrongSecret} }`), 'introspection');
    try {
      assert.equal((await down.check('', { authorization: `Bearer ${opaque}` })).status, 503);
      assert.equal((await refused.check('', { authorization: `Bearer ${opaque}` })).status, 503);
      const logged = refused.logs.find((line) => line.msg === 'token introspection unavailable');
      assert.match(String(logged?.cause), /refused gatehouse's client authentication \(401\)/);
      assert.ok(!JSON.stringify(refused.logs).includes(opaque), 'the token is never logged');
    } finally {
      await down.stop();
      await refused.stop();
      await trap.close();
    }
  });
});
