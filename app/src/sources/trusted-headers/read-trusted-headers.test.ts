import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { AppError } from '../../errors.ts';
import { createTrustedHeaderSource, type TrustedHeaderOptions, type TrustedIdentityResult } from './read-trusted-headers.ts';

const HEADERS = { user: 'Remote-User', groups: 'Remote-Groups', email: 'Remote-Email', name: 'Remote-Name' };
const SECRET = 'a-shared-secret-of-enough-length';
const NEXT_SECRET = 'the-next-secret-during-rotation';
const NETWORKS: TrustedHeaderOptions = { headers: HEADERS, trustedSources: ['127.0.0.0/8', '10.0.0.0/8', 'fd00::/8'] };
const SECRET_ONLY: TrustedHeaderOptions = { headers: HEADERS, trustedSources: [], sharedSecret: { header: 'X-Upstream-Secret', values: [SECRET, NEXT_SECRET] } };
const BOTH: TrustedHeaderOptions = { ...NETWORKS, sharedSecret: { header: 'X-Upstream-Secret', values: [SECRET] } };
const NEITHER: TrustedHeaderOptions = { headers: HEADERS, trustedSources: [] };

const ALICE = { 'remote-user': 'alice' };
const OK_ALICE = { ok: true, identity: { user: 'alice', groups: [] } };
const UNTRUSTED_NETWORK = { ok: false, reason: 'untrusted_source', check: 'network' };
const UNTRUSTED_SECRET = { ok: false, reason: 'untrusted_source', check: 'secret' };
const invalid = (field: string) => ({ ok: false, reason: 'trusted_header_invalid', field });

type Case = [name: string, options: TrustedHeaderOptions, peer: string | undefined, headers: IncomingHttpHeaders, expected: TrustedIdentityResult | object];

const cases: Case[] = [
  ['a trusted peer asserts a user', NETWORKS, '10.1.2.3', ALICE, OK_ALICE],
  ["the nginx pod forwarding a client's own Remote-User: admin is not trusted", NETWORKS, '192.0.2.10', { 'remote-user': 'admin', 'remote-groups': 'admins' }, UNTRUSTED_NETWORK],
  ['X-Forwarded-For never makes a peer trusted', NETWORKS, '192.0.2.10', { ...ALICE, 'x-forwarded-for': '10.0.0.1' }, UNTRUSTED_NETWORK],
  ['X-Real-IP never makes a peer trusted', NETWORKS, '192.0.2.10', { ...ALICE, 'x-real-ip': '127.0.0.1' }, UNTRUSTED_NETWORK],
  ['an unknown peer address is not trusted', NETWORKS, undefined, ALICE, UNTRUSTED_NETWORK],
  ['a peer address that is not an address is not trusted', NETWORKS, 'localhost', ALICE, UNTRUSTED_NETWORK],
  ['an IPv4-mapped IPv6 peer matches its IPv4 network', NETWORKS, '::ffff:127.0.0.1', ALICE, OK_ALICE],
  ['an IPv6 peer matches an IPv6 network', NETWORKS, 'fd12::7', ALICE, OK_ALICE],
  ['the right secret is trusted from anywhere when no network is set', SECRET_ONLY, '198.51.100.1', { ...ALICE, 'x-upstream-secret': SECRET }, OK_ALICE],
  ['the second secret is accepted during rotation', SECRET_ONLY, '198.51.100.1', { ...ALICE, 'x-upstream-secret': NEXT_SECRET }, OK_ALICE],
  ['a wrong secret is not trusted', SECRET_ONLY, '198.51.100.1', { ...ALICE, 'x-upstream-secret': 'guess' }, UNTRUSTED_SECRET],
  ['a missing secret is not trusted', SECRET_ONLY, '198.51.100.1', ALICE, UNTRUSTED_SECRET],
  ['a secret sent twice (joined by Node) is not trusted', SECRET_ONLY, '198.51.100.1', { ...ALICE, 'x-upstream-secret': `${SECRET}, ${SECRET}` }, UNTRUSTED_SECRET],
  ['a secret with a different case is not trusted', SECRET_ONLY, '198.51.100.1', { ...ALICE, 'x-upstream-secret': SECRET.toUpperCase() }, UNTRUSTED_SECRET],
  ['a trusted peer with a wrong secret is not trusted when both are set', BOTH, '10.0.0.5', { ...ALICE, 'x-upstream-secret': 'nope' }, UNTRUSTED_SECRET],
  ['a trusted peer without the secret is not trusted when both are set', BOTH, '10.0.0.5', ALICE, UNTRUSTED_SECRET],
  ['the right secret from an untrusted peer is not trusted when both are set', BOTH, '192.0.2.10', { ...ALICE, 'x-upstream-secret': SECRET }, UNTRUSTED_NETWORK],
  ['a trusted peer with the secret is trusted when both are set', BOTH, '10.0.0.5', { ...ALICE, 'x-upstream-secret': SECRET }, OK_ALICE],
  ['nothing is trusted when neither is configured', NEITHER, '127.0.0.1', ALICE, { ok: false, reason: 'trusted_headers_unconfigured', check: 'unconfigured' }],
  ['no user header', NETWORKS, '10.0.0.1', { 'remote-groups': 'admins' }, { ok: false, reason: 'trusted_user_missing' }],
  ['an empty user header', NETWORKS, '10.0.0.1', { 'remote-user': '' }, { ok: false, reason: 'trusted_user_missing' }],
  ['a user with a space', NETWORKS, '10.0.0.1', { 'remote-user': 'bob smith' }, invalid('user')],
  ['a user joined from two headers by Node', NETWORKS, '10.0.0.1', { 'remote-user': 'mallory, alice' }, invalid('user')],
  ['a user of 256 characters', NETWORKS, '10.0.0.1', { 'remote-user': 'a'.repeat(256) }, invalid('user')],
  ['a user of 255 characters', NETWORKS, '10.0.0.1', { 'remote-user': 'a'.repeat(255) }, { ok: true, identity: { user: 'a'.repeat(255), groups: [] } }],
  ['a user as an array', NETWORKS, '10.0.0.1', { 'remote-user': ['alice', 'admin'] }, invalid('user')],
  ['the full identity', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-groups': 'admins, devs,,ops,admins', 'remote-email': 'alice@example.com', 'remote-name': 'Alice Liddell' }, { ok: true, identity: { user: 'alice', groups: ['admins', 'devs', 'ops'], email: 'alice@example.com', name: 'Alice Liddell' } }],
  ['a group of 256 characters', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-groups': `ok,${'g'.repeat(256)}` }, invalid('groups')],
  ['a group with a control character', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-groups': 'ok,bad\u0007' }, invalid('groups')],
  ['groups as an array', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-groups': ['a', 'b'] }, invalid('groups')],
  ['UTF-8 group names are decoded', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-groups': Buffer.from('équipe,dev').toString('latin1') }, { ok: true, identity: { user: 'alice', groups: ['équipe', 'dev'] } }],
  ['a malformed email', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-email': 'alice@localhost' }, invalid('email')],
  ['an email over 320 characters', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-email': `${'a'.repeat(310)}@example.com` }, invalid('email')],
  ['an empty email is absent', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-email': '' }, OK_ALICE],
  ['a UTF-8 name is decoded', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-name': Buffer.from('José Núñez').toString('latin1') }, { ok: true, identity: { user: 'alice', groups: [], name: 'José Núñez' } }],
  ['a name that is not UTF-8', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-name': 'Jos\u00e9' }, invalid('name')],
  ['a name with a tab', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-name': 'Alice\tL' }, invalid('name')],
  ['a name of 501 characters', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-name': 'n'.repeat(501) }, invalid('name')],
  ['a name of 500 characters', NETWORKS, '10.0.0.1', { ...ALICE, 'remote-name': 'n'.repeat(500) }, { ok: true, identity: { user: 'alice', groups: [], name: 'n'.repeat(500) } }],
];

for (const [name, options, peer, headers, expected] of cases) {
  test(name, () => {
    const source = createTrustedHeaderSource(options);
    assert.deepEqual(source.readTrustedIdentity({ headers, remoteAddress: peer }), expected);
  });
}

test('a header repeated on the wire is invalid when Node reports the distinct values', () => {
  const source = createTrustedHeaderSource(NETWORKS);
  const result = source.readTrustedIdentity({
    headers: { ...ALICE, 'remote-groups': 'devs, admins' },
    headersDistinct: { 'remote-user': ['alice'], 'remote-groups': ['devs', 'admins'] },
    remoteAddress: '10.0.0.1',
  });
  assert.deepEqual(result, invalid('groups'));
});

test('header names are configurable and matched case-insensitively', () => {
  const source = createTrustedHeaderSource({
    ...NETWORKS,
    headers: { user: 'X-Forwarded-User', groups: 'X-Forwarded-Groups', email: 'X-Forwarded-Email', name: 'X-Forwarded-Name' },
  });
  const result = source.readTrustedIdentity({ headers: { 'x-forwarded-user': 'bob', 'remote-user': 'admin' }, remoteAddress: '127.0.0.1' });
  assert.deepEqual(result, { ok: true, identity: { user: 'bob', groups: [] } });
});

test('every problem with the options is reported at once, and none echoes a secret', () => {
  const shortSecret = 'short-secret';
  assert.throws(
    () =>
      createTrustedHeaderSource({
        headers: { ...HEADERS, groups: 'remote-user', name: 'Remote Name' },
        trustedSources: ['10.0.0.1/8', '10.0.0.0', '0.0.0.0/0'],
        sharedSecret: { header: 'Remote-Email', values: [shortSecret] },
      }),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'CONFIG_INVALID');
      assert.ok(!err.message.includes(shortSecret));
      for (const part of [
        'headers.groups: "remote-user" is also headers.user',
        'headers.name: "Remote Name" is not a valid HTTP header name',
        'sharedSecret.header: "Remote-Email" is also headers.email',
        'trustedSources[0]: "10.0.0.1/8" has host bits set beyond its prefix',
        'trustedSources[1]: "10.0.0.0" is not a CIDR',
        'sharedSecret.values[0]: must be at least 16 characters',
      ]) {
        assert.ok(err.message.includes(part), `${part}\n${err.message}`);
      }
      return true;
    },
  );
});

test('a shared secret with no values is refused', () => {
  assert.throws(() => createTrustedHeaderSource({ ...NEITHER, sharedSecret: { header: 'X-Secret', values: [] } }), /needs at least one value/);
});
