import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceAccountIdentity } from './serviceaccount-identity.ts';

const GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'];

test('a ServiceAccount: its user, the groups the API gave, the kubernetes.io claim and the proven account', () => {
  const identity = serviceAccountIdentity({
    username: 'system:serviceaccount:team-a:builder',
    uid: 'u-1',
    groups: GROUPS,
    extra: { 'authentication.kubernetes.io/pod-name': ['builder-1'], 'authentication.kubernetes.io/pod-uid': ['p-1'] },
  });
  assert.equal(identity?.user, 'system:serviceaccount:team-a:builder');
  assert.deepEqual(identity?.groups, GROUPS);
  assert.deepEqual(identity?.claims['kubernetes.io'], { namespace: 'team-a', serviceaccount: { name: 'builder', uid: 'u-1' }, pod: { name: 'builder-1', uid: 'p-1' } });
  assert.equal(identity?.serviceAccount?.namespace, 'team-a');
  assert.equal(identity?.serviceAccount?.name, 'builder');
});

test('any other user the API server knows is not this source to admit', () => {
  for (const username of ['system:node:node-1', 'alice', 'system:serviceaccount:team-a', 'system:serviceaccount:team-a:b:c', 'system:serviceaccount:Team-A:builder', 'system:serviceaccount:team-a:', 'system:serviceaccount::builder']) {
    assert.equal(serviceAccountIdentity({ username, uid: undefined, groups: [], extra: {} }), undefined, username);
  }
});
