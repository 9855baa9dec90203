/**
 * NOTES.txt, printed after install and upgrade, tells the reader what to do next for the chosen
 * identity source and warns about the choices that bite later: generated keys under GitOps, the
 * single chart Redis, insecure cookies, and ingress-nginx passing clients' own identity headers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderNotes } from './support/helm.ts';

const MINIMAL = 'chart/ci/default-values.yaml';

describe('NOTES.txt', () => {
  it('prints the annotations, the provider registration and the test command for this release', async () => {
    const notes = await renderNotes({ valuesFiles: [MINIMAL], release: 'auth-gw', namespace: 'security' });
    assert.match(notes, /auth-url: "http:\/\/auth-gw-gatehouse\.security\.svc\.cluster\.local:4180\/oauth2\/auth"/);
    assert.match(notes, /auth-signin: "https:\/\/\$host\/oauth2\/start\?rd=\$escaped_request_uri"/);
    assert.match(notes, /redirect URI +https:\/\/app\.example\.com\/oauth2\/callback/);
    assert.match(notes, /post-logout redirect URI https:\/\/app\.example\.com\/oauth2\/signed_out/);
    assert.match(notes, /helm test auth-gw -n security/);
    assert.match(notes, /1 pod\(s\), sessions in memory/);
  });

  it('adds Authorization to auth-response-headers when gatehouse sends it', async () => {
    const notes = await renderNotes({ valuesFiles: [MINIMAL], values: { headers: { setAuthorization: 'id_token', setAccessToken: true } } });
    assert.match(notes, /auth-response-headers: "X-Auth-Request-User, X-Auth-Request-Email, X-Auth-Request-Groups, X-Auth-Request-Preferred-Username, Authorization, X-Auth-Request-Access-Token"/);
  });

  it('warns about generated keys under helm-template GitOps, the single chart Redis and insecure cookies', async () => {
    const notes = await renderNotes({ valuesFiles: ['chart/ci/replicas-redis-values.yaml'], values: { cookie: { secure: false } } });
    assert.match(notes, /cookie keys were generated .* across `helm upgrade`/s);
    assert.match(notes, /Argo CD/);
    assert.match(notes, /chart's Redis is one pod/);
    assert.match(notes, /cookie\.secure=false sends session cookies over plain http/);
    assert.match(notes, /3 pod\(s\), sessions in redis/);
  });

  it('oidc: the auth-url without auth-signin, and what the tokens must carry instead of a callback', async () => {
    const notes = await renderNotes({ valuesFiles: ['chart/ci/oidc-bearer-values.yaml'] });
    assert.match(notes, /auth-url: "http:\/\/gh-gatehouse\.auth\.svc\.cluster\.local:4180\/oauth2\/auth"/);
    assert.doesNotMatch(notes, /nginx\.ingress\.kubernetes\.io\/auth-signin/);
    assert.match(notes, /Authorization: Bearer <token>/);
    assert.match(notes, /Tokens must come from https:\/\/login\.example\.com\/realms\/main for the audience "gatehouse"/);
    assert.doesNotMatch(notes, /redirect URI +https/);
  });

  it('authelia: whom identity headers are believed from, and why ingress-nginx alone is not that', async () => {
    const notes = await renderNotes({ valuesFiles: ['chart/ci/authelia-elasticsearch-values.yaml'] });
    assert.match(notes, /identity from authProvider=authelia/);
    assert.match(notes, /Remote-User, Remote-Groups, Remote-Email and Remote-Name/);
    assert.match(notes, /trustedHeaders\.sources: 10\.42\.0\.0\/16, fd00:42::\/64\s+and carrying the shared secret in X-Gatehouse-Upstream-Secret/);
    assert.match(notes, /ingress-nginx alone forwards each client's own headers/);
    assert.match(notes, /trust it only with a secret it adds itself/);
    assert.doesNotMatch(notes, /nginx\.ingress\.kubernetes\.io\/auth-signin|redirect URI/);
    const addressOnly = await renderNotes({ values: { authProvider: 'authelia', trustedHeaders: { sources: ['10.42.0.0/16'] }, networkPolicy: { enabled: true } } });
    assert.match(addressOnly, /no shared secret .*: the address alone decides/);
    assert.match(addressOnly, /add the upstream in networkPolicy\.extraIngress/);
  });

  it('drops the key warning when the keys come from an existing Secret', async () => {
    const notes = await renderNotes({ valuesFiles: ['chart/ci/existing-secrets-values.yaml'] });
    assert.doesNotMatch(notes, /were generated/);
  });
});
