import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildIdentityHeaders } from './identity-headers.ts';
import type { Identity } from './session-record.ts';

const base: Identity = { sub: 's', user: 'alice', email: 'alice@example.com', groups: ['admins', 'devs'], preferredUsername: 'al' };

test('joins groups on one header and leaves out empty values', () => {
  const { headers, problem } = buildIdentityHeaders({ ...base, email: undefined, preferredUsername: '' });
  assert.equal(problem, undefined);
  assert.deepEqual(headers, ['X-Auth-Request-User', 'alice', 'X-Auth-Request-Groups', 'admins,devs']);
  assert.equal(buildIdentityHeaders({ ...base, groups: [] }).headers.includes('X-Auth-Request-Groups'), false);
});

test('a control character in any claim yields no headers and names the claim', () => {
  assert.deepEqual(buildIdentityHeaders({ ...base, preferredUsername: 'mallory\r\nX-Injected: 1' }), { headers: [], problem: 'preferred_username' });
  assert.equal(buildIdentityHeaders({ ...base, groups: ['ok', 'bad\ngroup'] }).problem, 'groups');
  assert.equal(buildIdentityHeaders({ ...base, email: 'a\u0000@example.com' }).problem, 'email');
});

test('every header value built is accepted by Node and free of CR/LF', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), (text, groups) => {
      const { headers } = buildIdentityHeaders({ ...base, user: text, preferredUsername: text, groups });
      const probe = new Headers();
      for (let i = 0; i < headers.length; i += 2) {
        const value = headers[i + 1] ?? '';
        assert.ok(!/[\r\n\u0000]/.test(value));
        probe.set(headers[i] ?? '', value);
      }
    }),
    { numRuns: 2000 },
  );
});
