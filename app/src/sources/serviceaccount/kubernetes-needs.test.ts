/** What the denied page says a route needs of a ServiceAccount (allowed_serviceaccounts, kubernetes_access). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNeeds } from '../../http/describe-needs.ts';
import { parseExtendedQuery } from '../../policy/named/extended-query.ts';
import { parsePolicies } from '../../policy/named/parse-policies.ts';

const { policies } = parsePolicies({
  readers: { serviceaccounts: ['monitoring/*'], kubernetes_access: { verb: 'list', group: '', resource: 'pods', namespace: 'team-a' } },
  scale: { kubernetes_access: { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' } },
  metrics: { kubernetes_access: { verb: 'get', path: '/metrics' } },
});
const needs = (query: string): string[] => describeNeeds(parseExtendedQuery(query, policies));

test('the words for ServiceAccounts and cluster permissions', () => {
  assert.deepEqual(needs('allowed_serviceaccounts=team-a/builder,team-b/*'), ['calling as the ServiceAccount team-a/builder or any ServiceAccount of the namespace team-b']);
  assert.deepEqual(needs('policy=readers'), ['calling as any ServiceAccount of the namespace monitoring', 'permission in the cluster to list pods in the namespace team-a']);
  assert.deepEqual(needs('policy=scale'), ['permission in the cluster to update deployments/scale (apps) named web']);
  assert.deepEqual(needs('policy=metrics'), ['permission in the cluster to get /metrics']);
});
