import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTrustedHeaderSource } from './read-trusted-headers.ts';

const HEADERS = { user: 'Remote-User', groups: 'Remote-Groups', email: 'Remote-Email', name: 'Remote-Name' };
const source = createTrustedHeaderSource({
  headers: HEADERS,
  trustedSources: ['10.0.0.0/8'],
  sharedSecret: { header: 'X-Upstream-Secret', values: ['a-shared-secret-of-enough-length'] },
});
const networksOnly = createTrustedHeaderSource({ headers: HEADERS, trustedSources: ['10.0.0.0/8'] });

const headerName = fc.oneof(
  fc.constantFrom('remote-user', 'remote-groups', 'remote-email', 'remote-name', 'x-upstream-secret', 'x-forwarded-for', 'x-real-ip'),
  fc.string(),
);
const headerValue = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 8 }) as fc.Arbitrary<IncomingHttpHeaders>;
const peer = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string(), fc.constant(undefined), fc.ipV4().map((ip) => `::ffff:${ip}`));

test('reading a request never throws, whatever the headers and peer', () => {
  fc.assert(
    fc.property(headers, peer, (h, p) => {
      const result = source.readTrustedIdentity({ headers: h, remoteAddress: p });
      assert.equal(typeof result.ok, 'boolean');
      networksOnly.readTrustedIdentity({ headers: h, remoteAddress: p });
    }),
  );
});

test('a peer outside the trusted networks is never believed, whatever it sends', () => {
  const outside = fc.ipV4().filter((ip) => !ip.startsWith('10.'));
  fc.assert(
    fc.property(headers, outside, (h, p) => {
      assert.equal(networksOnly.readTrustedIdentity({ headers: h, remoteAddress: p }).ok, false);
    }),
  );
});

test('an identity that is believed always satisfies the value rules', () => {
  fc.assert(
    fc.property(headers, (h) => {
      const result = networksOnly.readTrustedIdentity({ headers: h, remoteAddress: '10.0.0.1' });
      if (!result.ok) return;
      assert.match(result.identity.user, /^[a-zA-Z0-9._\-@]{1,255}$/);
      for (const group of result.identity.groups) assert.ok(group.length > 0 && !/\p{Cc}/u.test(group));
    }),
  );
});
