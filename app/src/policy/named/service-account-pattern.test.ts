import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueryPolicy, PolicyQueryError } from '../query-policy.ts';
import { parseServiceAccountPattern, serviceAccountMatches, type ServiceAccountPattern } from './service-account-pattern.ts';

test('ns/name admits one ServiceAccount, ns/* every one of a namespace, nothing else', () => {
  const patterns = ['team-a/builder', 'monitoring/*'].map(parseServiceAccountPattern) as ServiceAccountPattern[];
  assert.ok(serviceAccountMatches(patterns, { namespace: 'team-a', name: 'builder' }));
  assert.ok(serviceAccountMatches(patterns, { namespace: 'monitoring', name: 'prometheus' }));
  assert.ok(!serviceAccountMatches(patterns, { namespace: 'team-a', name: 'deployer' }));
  assert.ok(!serviceAccountMatches(patterns, { namespace: 'team-ab', name: 'builder' }));
  assert.ok(!serviceAccountMatches(patterns, { namespace: 'monitoringx', name: 'prometheus' }));
});

test('malformed patterns are refused with a reason', () => {
  for (const text of ['team-a', '*/builder', 'team-a/', 'Team-A/builder', 'team-a/build*', 'team-a/b/c', '/builder', 'team-a/builder ']) {
    assert.equal(typeof parseServiceAccountPattern(text), 'string', text);
  }
});

test('allowed_serviceaccounts on the auth-url: parsed with the other keys, a bad one fails closed', () => {
  const policy = parseQueryPolicy('allowed_groups=ops&allowed_serviceaccounts=team-a%2Fbuilder,monitoring/*');
  assert.deepEqual(policy.allowedServiceAccounts, [
    { namespace: 'team-a', name: 'builder' },
    { namespace: 'monitoring', name: undefined },
  ]);
  assert.equal(parseQueryPolicy('allowed_groups=ops').allowedServiceAccounts, undefined);
  assert.throws(() => parseQueryPolicy('allowed_serviceaccounts=team-a'), PolicyQueryError);
});
