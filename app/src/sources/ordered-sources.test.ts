import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceName } from '../config/identity-sources.ts';
import type { Reason } from '../policy/reasons.ts';
import type { IdentitySource } from './identity-source.ts';
import { orderSources } from './ordered-sources.ts';
import { requestWith } from './source.contract.ts';

/** A source present when its header is sent, naming the header's value. */
function fake(name: SourceName, header: string, explicit: boolean, tried: string[]): IdentitySource {
  return {
    name,
    explicit,
    missing: `${name}-missing` as Reason,
    present: (req) => req.headers[header] !== undefined,
    identify(req) {
      tried.push(name);
      const value = req.headers[header];
      if (value === 'bad') return { state: 'unauthenticated', reason: 'bearer-invalid' };
      if (value === undefined) return { state: 'unauthenticated', reason: `${name}-missing` as Reason };
      return { state: 'identified', source: name, identity: { sub: String(value), user: String(value), email: undefined, groups: [], preferredUsername: undefined, name: undefined, dn: undefined, claims: {} } };
    },
  };
}

const userOf = (who: ReturnType<ReturnType<typeof orderSources>>): string | undefined =>
  'state' in who && who.state === 'identified' ? who.identity.user : undefined;

test('the first present credential decides; a deliberate one before a cookie; no fall-through', () => {
  const tried: string[] = [];
  const identify = orderSources([fake('session', 'cookie', false, tried), fake('bearer', 'authorization', true, tried), fake('trusted-headers', 'remote-user', true, tried)]);
  assert.equal(userOf(identify(requestWith({ cookie: 'alice' }))), 'alice');
  assert.equal(userOf(identify(requestWith({ cookie: 'alice', authorization: 'bob' }))), 'bob');
  assert.equal(userOf(identify(requestWith({ authorization: 'bob', 'remote-user': 'carol' }))), 'bob', 'configured order among deliberate ones');
  tried.length = 0;
  const bad = identify(requestWith({ cookie: 'alice', authorization: 'bad' }));
  assert.deepEqual(bad, { state: 'unauthenticated', reason: 'bearer-invalid' });
  assert.deepEqual(tried, ['bearer'], 'the cookie is never tried after an invalid token');
});

test('nothing present names what the first accepted source missed; a route narrows the list', () => {
  const identify = orderSources([fake('session', 'cookie', false, []), fake('bearer', 'authorization', true, [])]);
  assert.deepEqual(identify(requestWith({})), { state: 'unauthenticated', reason: 'session-missing' });
  const onlyBearer = new Set<SourceName>(['bearer']);
  assert.deepEqual(identify(requestWith({ cookie: 'alice' }), onlyBearer), { state: 'unauthenticated', reason: 'bearer-missing' });
  assert.equal(userOf(identify(requestWith({ cookie: 'alice', authorization: 'bob' }), new Set<SourceName>(['session']))), 'alice');
});

test('one source answers for itself, present or not', () => {
  const tried: string[] = [];
  const identify = orderSources([fake('session', 'cookie', false, tried)]);
  identify(requestWith({}));
  assert.deepEqual(tried, ['session']);
});
