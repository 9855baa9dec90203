/** A source that recognises only its own Bearer tokens is asked before one that takes any. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceName } from '../../config/identity-sources.ts';
import type { Reason } from '../../policy/reasons.ts';
import type { IdentitySource } from '../identity-source.ts';
import { orderSources } from '../ordered-sources.ts';
import { requestWith } from '../source.contract.ts';

function fake(name: SourceName, present: (auth: string) => boolean, specific: boolean): IdentitySource {
  return {
    name,
    explicit: true,
    specific,
    missing: `${name}-missing` as Reason,
    present: (req) => present(req.headers.authorization ?? ''),
    identify: () => ({ state: 'identified', source: name, identity: { sub: name, user: name, email: undefined, groups: [], preferredUsername: undefined, name: undefined, dn: undefined, claims: {} } }),
  };
}

test('whatever the configured order, each token reaches the source it belongs to', () => {
  const bearer = fake('bearer', (auth) => auth.startsWith('Bearer '), false);
  const cluster = fake('serviceaccount', (auth) => auth === 'Bearer cluster-token', true);
  for (const configured of [[bearer, cluster], [cluster, bearer]]) {
    const identify = orderSources(configured);
    const by = (auth: string) => {
      const who = identify(requestWith({ authorization: auth }));
      return 'state' in who && who.state === 'identified' ? who.source : undefined;
    };
    assert.equal(by('Bearer cluster-token'), 'serviceaccount');
    assert.equal(by('Bearer provider-token'), 'bearer');
  }
});
