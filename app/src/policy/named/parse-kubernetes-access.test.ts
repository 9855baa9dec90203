import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicies } from './parse-policies.ts';

test('kubernetes_access and serviceaccounts in a named policy', () => {
  const { policies, problems } = parsePolicies({
    readers: { serviceaccounts: ['team-a/*'], kubernetes_access: { verb: 'list', group: '', resource: 'pods', namespace: 'team-a' } },
    logs: { kubernetes_access: { verb: 'get', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', name: 'web' } },
    metrics: { kubernetes_access: { verb: 'get', path: '/metrics' } },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(policies.get('readers')?.serviceAccounts, [{ namespace: 'team-a', name: undefined }]);
  assert.deepEqual(policies.get('readers')?.kubernetesAccess, {
    verb: 'list',
    resource: { group: '', version: '', resource: 'pods', subresource: '', namespace: 'team-a', name: '' },
  });
  assert.deepEqual(policies.get('metrics')?.kubernetesAccess, { verb: 'get', path: '/metrics' });
});

test('every problem of a kubernetes_access is named, and the policy is left out', () => {
  const { policies, problems } = parsePolicies({
    a: { kubernetes_access: { verb: 'GET', resource: 'pods' } },
    b: { kubernetes_access: { verb: 'get', resource: 'pods', path: '/metrics' } },
    c: { kubernetes_access: { verb: 'get' } },
    d: { kubernetes_access: { verb: 'get', resource: 'pods', namespace: 'Team A', colour: 'red' } },
    e: { kubernetes_access: 'get pods' },
    f: { serviceaccounts: ['team-a'] },
  });
  assert.deepEqual(problems, [
    'policies.a.kubernetes_access.verb: "GET" is not a lower-case verb such as get, list or create, or *',
    'policies.b.kubernetes_access: path (a non-resource URL) cannot be combined with resource',
    'policies.c.kubernetes_access: names neither a resource nor a path',
    'policies.d.kubernetes_access.colour: unknown key',
    'policies.d.kubernetes_access.namespace: "Team A" is not a namespace name ("" for every namespace)',
    'policies.e.kubernetes_access: must be a mapping with verb and either resource or path',
    'policies.f.serviceaccounts[0]: "team-a" is not namespace/name or namespace/*',
  ]);
  assert.equal(policies.size, 0);
});
