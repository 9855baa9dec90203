import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyQueryError } from './query-policy.ts';
import { createRoutePolicyCache } from './route-policy-cache.ts';

const parse = createRoutePolicyCache(() => new Map());

test('assertion_audience names the aud of the route\'s assertions (first value counts) and is no policy key', () => {
  assert.equal(parse('allowed_groups=admins').assertionAudience, undefined);
  const route = parse('assertion_audience=urn%3Aapp%3Abilling&allowed_groups=admins&assertion_audience=other');
  assert.equal(route.assertionAudience, 'urn:app:billing');
  assert.deepEqual(route.query.base.allowedGroups, ['admins']);
});

test('an assertion_audience no verifier could name is a broken route, never a silent default', () => {
  for (const query of ['assertion_audience=', 'assertion_audience=a+b', 'assertion_audience=%zz', `assertion_audience=${'a'.repeat(257)}`, 'assertion_audience=%0a']) {
    assert.throws(() => parse(query), PolicyQueryError, query);
  }
});
