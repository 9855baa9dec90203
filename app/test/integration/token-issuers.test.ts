/**
 * Bearer tokens from several issuers against real OpenID Providers: two providers' client
 * credentials tokens (RFC 9068 JWTs) accepted on one deployment, each mapped by its issuer's own
 * claims mapping and username prefix; the bearer source keeps the source contract; keys fetched
 * at start-up and not again per check; an issuer whose keys cannot be fetched fails its own tokens
 * with 503 and no other issuer's; a token from an issuer not listed is 401 without that issuer ever
 * being asked; allowed_scopes reads the token's scope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestIdp } from '../../../e2e/idp/test-idp.ts';
import { clientCredentialsToken } from '../../../e2e/idp/client-credentials.ts';
import { createIdentitySources } from '../../src/sources/ordered-sources.ts';
import type { IdentitySource } from '../../src/sources/identity-source.ts';
import { sourceContract } from '../../src/sources/source.contract.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { API, OTHER_API, startTokenIdps, type TokenIdps } from '../support/token-idps.ts';
import { eventually } from '../support/eventually.ts';

describe('bearer tokens from several issuers', () => {
  let idps: TokenIdps;
  let gatehouse: SourceServer;
  let goneToken: string;
  let strangerIssuer: string;
  let strangerToken: string;
  let strangerRequests: () => number;
  let closeStranger: () => Promise<void>;
  let bearer: IdentitySource;

  before(async () => {
    idps = await startTokenIdps();
    // An issuer listed in the file whose keys cannot be fetched: it was shut down.
    const gone = await startTestIdp({ clients: [{ clientId: 'ci-job', clientSecret: 's', redirectUris: [], grantTypes: ['client_credentials'] }], resourceServers: [{ indicator: API, scope: 'api:read', format: 'jwt' }] });
    goneToken = await clientCredentialsToken(gone.issuer, { clientId: 'ci-job', clientSecret: 's', resource: API });
    await gone.close();
    // An issuer gatehouse does not list: its tokens are real, and it must never be asked about them.
    const stranger = await startTestIdp({ clients: [{ clientId: 'ci-job', clientSecret: 's', redirectUris: [], grantTypes: ['client_credentials'] }], resourceServers: [{ indicator: API, scope: 'api:read', format: 'jwt' }] });
    strangerIssuer = stranger.issuer;
    strangerToken = await clientCredentialsToken(stranger.issuer, { clientId: 'ci-job', clientSecret: 's', resource: API });
    const issued = stranger.counters.jwksRequests + stranger.counters.discoveryRequests;
    strangerRequests = () => stranger.counters.jwksRequests + stranger.counters.discoveryRequests - issued;
    closeStranger = () => stranger.close();
    gatehouse = await startSourceServer(
      { GATEHOUSE_IDENTITY_SOURCES: 'bearer', GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true' },
      `
bearer:
  issuers:
    - issuer: ${idps.staff.issuer}
      audiences: [${API}]
      username_prefix: "staff:"
    - issuer: ${idps.partner.issuer}
      audiences: [${API}]
      username_prefix: "partner:"
      claims: { username: client_id, groups: scope }
    - issuer: ${gone.issuer}
      audiences: [${API}]
group_mappings: { deploy: [deployer] }
`,
    );
    bearer = createIdentitySources(gatehouse.server.deps).find((s) => s.name === 'bearer') as IdentitySource;
    // Keys are fetched at start-up, before any token arrives.
    await eventually(async () => assert.ok(idps.staff.counters.jwksRequests > 0 && idps.partner.counters.jwksRequests > 0));
  });
  after(async () => {
    await gatehouse?.stop();
    await idps?.close();
    await closeStranger?.();
  });

  describe('the bearer source with listed issuers', () => {
    let ci = '';
    before(async () => (ci = await idps.ciToken()));
    sourceContract({
      source: () => bearer,
      valid: () => ({ authorization: `Bearer ${ci}` }),
      user: 'staff:ci-job',
      invalid: () => [{ authorization: `Bearer ${ci.slice(0, -4)}AAAA` }, { authorization: 'Bearer garbage' }, { authorization: `Bearer ${strangerToken}` }],
    });
  });

  it('each issuer’s token is an identity, mapped by that issuer’s claims mapping and prefix', async () => {
    const staff = await gatehouse.check('', { authorization: `Bearer ${await idps.ciToken()}` });
    assert.equal(staff.status, 200);
    assert.equal(staff.headers['x-auth-request-user'], 'staff:ci-job');
    assert.equal(staff.headers['x-auth-request-source'], 'bearer');
    const partner = await gatehouse.check('?allowed_roles=deployer', { authorization: `Bearer ${await idps.deployToken()}` });
    assert.equal(partner.status, 200);
    assert.equal(partner.headers['x-auth-request-user'], 'partner:deployer');
    assert.equal(partner.headers['x-auth-request-groups'], 'deploy');
  });

  it('a token for another API, or from an issuer not listed, is 401, and that issuer is never asked', async () => {
    const other = await gatehouse.check('', { authorization: `Bearer ${await idps.ciToken(OTHER_API)}` });
    assert.equal(other.status, 401);
    assert.match(String(other.headers['www-authenticate']), /error="invalid_token", error_description="the access token was not issued for this service"/);
    const stranger = await gatehouse.check('', { authorization: `Bearer ${strangerToken}` });
    assert.equal(stranger.status, 401);
    assert.match(String(stranger.headers['www-authenticate']), /issuer this service does not trust/);
    assert.equal(strangerRequests(), 0, `${strangerIssuer} was asked`);
  });

  it('an issuer whose keys cannot be fetched fails its own tokens with 503, and no other issuer’s', async () => {
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${goneToken}` })).status, 503);
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${await idps.ciToken()}` })).status, 200);
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${await idps.deployToken()}` })).status, 200);
  });

  it('checks fetch no keys: 300 checks of new and repeated tokens cost the providers nothing', async () => {
    const before = idps.staff.counters.jwksRequests + idps.partner.counters.jwksRequests;
    const tokens = [await idps.ciToken(), await idps.ciToken(API, 'api:write'), await idps.deployToken()];
    for (let i = 0; i < 300; i++) assert.equal((await gatehouse.check('', { authorization: `Bearer ${tokens[i % 3]}` })).status, 200);
    assert.equal(idps.staff.counters.jwksRequests + idps.partner.counters.jwksRequests, before);
  });

  it('allowed_scopes reads the token’s scope: without the scope 403 insufficient_scope, with it 200', async () => {
    const reader = await idps.ciToken(API, 'api:read');
    const denied = await gatehouse.check('?allowed_scopes=api:write', { authorization: `Bearer ${reader}` });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['www-authenticate'], 'Bearer realm="gatehouse", error="insufficient_scope", error_description="the access token does not grant a scope this route requires", scope="api:write"');
    assert.equal((await gatehouse.check('?allowed_scopes=api:write', { authorization: `Bearer ${await idps.ciToken(API, 'api:read api:write')}` })).status, 200);
    assert.equal((await gatehouse.check('?allowed_scopes=api:read,api:write', { authorization: `Bearer ${reader}` })).status, 200);
  });
});
