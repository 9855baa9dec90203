import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REASONS, type Reason } from '../policy/reasons.ts';
import { insufficientScopeAnswer, isMachine, unauthenticatedAnswer } from './machine-answers.ts';

/** RFC 6750 §3: error_description and scope hold %x20-21 / %x23-5B / %x5D-7E only. */
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function attributes(challenge: string): Record<string, string> {
  assert.match(challenge, /^Bearer realm="gatehouse"/);
  return Object.fromEntries([...challenge.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
}

test('a refused token: invalid_token with a description of the reason, the same in the JSON body', () => {
  const cases: Array<[Reason, RegExp]> = [
    [REASONS.bearerExpired, /has expired/],
    [REASONS.bearerInvalid, /not valid/],
    [REASONS.bearerWrongAudience, /not issued for this service/],
    [REASONS.bearerUnknownIssuer, /does not trust/],
    [REASONS.tokenInactive, /not active/],
  ];
  for (const [reason, words] of cases) {
    const answer = unauthenticatedAnswer([reason]);
    const attrs = attributes(answer.challenge);
    assert.equal(attrs.error, 'invalid_token', reason);
    assert.match(attrs.error_description ?? '', words);
    assert.ok(QUOTABLE.test(attrs.error_description ?? ''));
    assert.deepEqual(JSON.parse(answer.body), { error: 'invalid_token', error_description: attrs.error_description });
  }
});

test('no token sent (or one the route does not take): a bare challenge, no error attributes', () => {
  for (const reason of [REASONS.bearerMissing, REASONS.sessionMissing, REASONS.sessionExpired, REASONS.trustedUserMissing]) {
    const answer = unauthenticatedAnswer([reason]);
    assert.equal(answer.challenge, 'Bearer realm="gatehouse"');
    assert.equal((JSON.parse(answer.body) as { error: string }).error, 'unauthorized');
  }
});

test('a token lacking the route’s scope: insufficient_scope naming the scopes the route accepts', () => {
  const scopes = ['api:write', 'api:admin'];
  const answer = insufficientScopeAnswer(scopes);
  const attrs = attributes(answer.challenge);
  assert.deepEqual([attrs.error, attrs.scope], ['insufficient_scope', 'api:write api:admin']);
  assert.deepEqual(JSON.parse(answer.body), { error: 'insufficient_scope', error_description: attrs.error_description, scope: 'api:write api:admin' });
  assert.equal(insufficientScopeAnswer(scopes), answer, 'built once per route');
});

test('every answer is a fixed sentence: nothing of the request can appear in it', () => {
  const all = Object.values(REASONS).map((reason) => unauthenticatedAnswer([reason]));
  for (const answer of all) {
    assert.ok(QUOTABLE.test(answer.challenge.replaceAll('"', '')), answer.challenge);
    assert.equal(JSON.stringify(JSON.parse(answer.body)), answer.body);
  }
});

test('a machine: any request with Authorization, or one that does not ask for a page', () => {
  assert.equal(isMachine({ authorization: 'Bearer x', accept: 'text/html' }, true), true);
  assert.equal(isMachine({ accept: 'application/json' }, false), true);
  assert.equal(isMachine({ accept: 'text/html' }, true), false);
});
