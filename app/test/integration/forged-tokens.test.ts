/**
 * Forged and invalid tokens against a gatehouse trusting two real providers: alg none, HS256 keyed
 * with the provider's public key, another issuer or audience, an expired token, a kid naming a key
 * elsewhere, jku/x5u/jwk/x5c headers, repeated claims, an iss that is a URL. Every one is 401 with
 * RFC 6750's invalid_token, never a 5xx, and no request ever reaches a URL the token names (a
 * listener there counts them).
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { base64url, CompactSign, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { API, OTHER_API, startTokenIdps, startTrap, type TokenIdps, type Trap } from '../support/token-idps.ts';

const encode = (value: unknown): string => base64url.encode(JSON.stringify(value));

describe('forged and invalid tokens', () => {
  let idps: TokenIdps;
  let trap: Trap;
  let gatehouse: SourceServer;
  let genuine: string;
  let claims: Record<string, unknown>;
  let attacker: CryptoKey;
  let staffKid: string;

  before(async () => {
    idps = await startTokenIdps(2);
    trap = await startTrap();
    gatehouse = await startSourceServer(
      { GATEHOUSE_IDENTITY_SOURCES: 'bearer', GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true' },
      `
bearer:
  issuers:
    - { issuer: ${idps.staff.issuer}, audiences: [${API}] }
    - { issuer: ${idps.partner.issuer}, audiences: [${API}], clock_skew: 0 }
`,
    );
    genuine = await idps.ciToken();
    claims = decodeJwt(genuine);
    staffKid = JSON.parse(Buffer.from(genuine.split('.')[0] as string, 'base64url').toString()).kid as string;
    attacker = (await generateKeyPair('RS256', { extractable: true })).privateKey;
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${genuine}` })).status, 200, 'the genuine token passes');
  });
  after(async () => {
    await gatehouse?.stop();
    await trap?.close();
    await idps?.close();
  });

  const forge = (header: Record<string, unknown>, payload: Record<string, unknown> = claims): Promise<string> =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...header }).sign(attacker);

  async function refused(what: string, token: string): Promise<void> {
    const res = await gatehouse.check('', { authorization: `Bearer ${token}`, accept: 'application/json' });
    assert.equal(res.status, 401, what);
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]+"$/, what);
    assert.ok(!String(res.headers['www-authenticate']).includes(token.slice(0, 12)), `${what}: the answer echoes the token`);
    assert.equal(res.headers['x-auth-request-user'], undefined, what);
  }

  it('alg none, with the genuine claims', async () => {
    await refused('alg none', `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`);
    await refused('alg None', `${encode({ alg: 'None', kid: staffKid })}.${encode(claims)}.`);
  });

  it('HS256 keyed with the provider’s public key (algorithm confusion)', async () => {
    const jwks = JSON.parse((await httpRequest(`${idps.staff.issuer}/jwks`)).body) as { keys: Array<Record<string, string>> };
    const jwk = jwks.keys[0] as import('node:crypto').JsonWebKey;
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [new TextEncoder().encode(pem), base64url.decode(String(jwk.n))]) {
      await refused('HS256', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: staffKid }).sign(secret));
    }
  });

  it('the provider’s genuine tokens for another issuer or audience, and an expired one', async () => {
    await refused('another audience', await idps.ciToken(OTHER_API));
    await refused('iss changed', (await forge({ kid: staffKid }, { ...claims, iss: idps.partner.issuer })));
    const expiring = await idps.deployToken();
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${expiring}` })).status, 200);
    await sleep(3500);
    await refused('expired (and remembered only until its exp)', expiring);
  });

  it('a kid naming a key elsewhere, and headers naming or carrying a key', async () => {
    const jwk = await exportJWK(attacker);
    await refused('kid is a URL', await forge({ kid: `${trap.url}/key.json` }));
    await refused('kid traversal', await forge({ kid: '../../../../etc/passwd' }));
    await refused('jku', await forge({ kid: 'attacker', jku: `${trap.url}/jwks` }));
    await refused('jku with the provider’s kid', await forge({ kid: staffKid, jku: `${trap.url}/jwks` }));
    await refused('x5u', await forge({ kid: staffKid, x5u: `${trap.url}/cert.pem` }));
    await refused('jwk', await forge({ jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e } }));
    await refused('x5c', await forge({ kid: staffKid, x5c: ['MIIB'] }));
    await refused('iss is the trap', await forge({ kid: 'k' }, { ...claims, iss: trap.url }));
    await refused('iss is the trap with a discovery path', await forge({ kid: 'k' }, { ...claims, iss: `${trap.url}/.well-known/openid-configuration` }));
    assert.equal(trap.hits(), 0, 'a URL named in a token was fetched');
  });

  it('repeated claims, whichever one a parser keeps', async () => {
    const [header] = genuine.split('.') as [string];
    const payload = JSON.stringify(claims).replace(/^\{/, `{"sub":"admin",`);
    await refused('repeated sub, genuine header', `${header}.${base64url.encode(payload)}.${genuine.split('.')[2]}`);
    const signed = await new CompactSign(new TextEncoder().encode(`{"iss":"${idps.partner.issuer}",${JSON.stringify(claims).slice(1)}`)).setProtectedHeader({ alg: 'RS256', kid: staffKid }).sign(attacker);
    await refused('repeated iss', signed);
  });

  it('garbage in the shape of a JWT', async () => {
    for (const token of ['a.b.c', `${encode({ alg: 'RS256' })}.${encode([1])}.x`, `${encode('x')}.${encode(claims)}.x`, `${encode({ alg: 'RS256', crit: ['exp'] })}.${encode(claims)}.AAAA`]) {
      await refused(token.slice(0, 20), token);
    }
  });
});
