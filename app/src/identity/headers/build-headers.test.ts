import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildIdentityHeaders, type HeaderIdentity } from './build-headers.ts';
import { DEFAULT_HEADER_CONFIG, parseHeaderConfig, type HeaderConfig } from './header-config.ts';

const base: HeaderIdentity = {
  user: 'alice',
  email: 'alice@example.com',
  groups: ['admins', 'devs'],
  preferredUsername: 'al',
  roles: ['kibana_user', 'reader'],
  claims: {
    department: 'R&D / Ops',
    realm_access: { roles: ['a', 'b'] },
    'https://example.com/claims/tenant': 'tenant-1',
    name: 'Zoë Ünal',
    level: 3,
    profile: { team: 'core' },
  },
};

function config(claims: Record<string, unknown>): HeaderConfig {
  const problems: string[] = [];
  const parsed = parseHeaderConfig({ claims }, problems);
  assert.deepEqual(problems, []);
  return parsed;
}

function asMap(headers: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < headers.length; i += 2) map.set(headers[i] as string, headers[i + 1] as string);
  return map;
}

test('fixed headers: roles and groups comma-joined, empty values left out', () => {
  const { headers, problem } = buildIdentityHeaders({ ...base, email: undefined, preferredUsername: '', roles: [] }, DEFAULT_HEADER_CONFIG);
  assert.equal(problem, undefined);
  assert.deepEqual(headers, ['X-Auth-Request-User', 'alice', 'X-Auth-Request-Groups', 'admins,devs']);
  assert.equal(asMap(buildIdentityHeaders(base, DEFAULT_HEADER_CONFIG).headers).get('X-Auth-Request-Roles'), 'kibana_user,reader');
});

// (claims section, header) → value
const separate: Array<[string, Record<string, unknown>, string, string | undefined]> = [
  ['url encoding by default', { include: ['department'] }, 'X-Auth-Request-Claim-department', 'R%26D%20%2F%20Ops'],
  ['dotted path, list joined', { include: ['realm_access.roles'] }, 'X-Auth-Request-Claim-realm-access-roles', 'a%2Cb'],
  ['URI claim named by its last segment', { include: ['https://example.com/claims/tenant'] }, 'X-Auth-Request-Claim-tenant', 'tenant-1'],
  ['base64 keeps UTF-8', { encoding: 'base64', include: ['name'] }, 'X-Auth-Request-Claim-name', Buffer.from('Zoë Ünal').toString('base64')],
  ['none sends UTF-8 bytes', { encoding: 'none', include: ['name'] }, 'X-Auth-Request-Claim-name', Buffer.from('Zoë Ünal').toString('latin1')],
  ['numbers as text', { encoding: 'none', include: ['level'] }, 'X-Auth-Request-Claim-level', '3'],
  ['objects as JSON', { encoding: 'none', include: ['profile'] }, 'X-Auth-Request-Claim-profile', '{"team":"core"}'],
  ['custom prefix and explicit header', { prefix: 'X-Injected-', include: [{ path: 'department', header: 'Dept' }] }, 'X-Injected-Dept', 'R%26D%20%2F%20Ops'],
  ['a missing claim sends no header', { include: ['absent'] }, 'X-Auth-Request-Claim-absent', undefined],
];

for (const [name, section, header, value] of separate) {
  test(`claim headers: ${name}`, () => {
    assert.equal(asMap(buildIdentityHeaders(base, config(section)).headers).get(header), value);
  });
}

test('combined: one JSON header keyed by claim name, encoded', () => {
  const built = buildIdentityHeaders(base, config({ format: 'combined', encoding: 'base64', include: ['department', 'realm_access.roles', 'absent'] }));
  const value = asMap(built.headers).get('X-Auth-Request-Claims') as string;
  assert.deepEqual(JSON.parse(Buffer.from(value, 'base64').toString('utf8')), { department: 'R&D / Ops', 'realm-access-roles': ['a', 'b'] });
});

test('a control character in any value yields no headers and names the claim', () => {
  assert.deepEqual(buildIdentityHeaders({ ...base, preferredUsername: 'mallory\r\nX-Injected: 1' }, DEFAULT_HEADER_CONFIG), {
    headers: [],
    problem: 'preferred_username',
  });
  assert.equal(buildIdentityHeaders({ ...base, roles: ['ok', 'bad\nrole'] }, DEFAULT_HEADER_CONFIG).problem, 'roles');
  const raw = config({ encoding: 'none', include: ['department'] });
  assert.equal(buildIdentityHeaders({ ...base, claims: { department: 'a\u0000b' } }, raw).problem, 'department');
  // Encoded values cannot carry one.
  assert.equal(buildIdentityHeaders({ ...base, claims: { department: 'a\r\nb' } }, config({ include: ['department'] })).problem, undefined);
});

test('header config problems are all reported, naming the path', () => {
  const problems: string[] = [];
  parseHeaderConfig(
    {
      claims: {
        format: 'split',
        encoding: 'rot13',
        prefix: 'X Bad',
        include: ['a..b', { path: 'x', claim: 'y' }, 'user', { path: 'role', header: 'X-Auth-Request-Roles' }, 'dup', 'dup'],
        extra: 1,
      },
    },
    problems,
  );
  assert.deepEqual(problems, [
    'headers.claims: unknown key "extra"; known keys: format, prefix, combined_header, encoding, include',
    'headers.claims.format: must be separate or combined',
    'headers.claims.encoding: must be one of url, base64, none',
    'headers.claims.prefix: must be header-name characters only',
    "headers.claims.include[0]: 'a..b' has an empty path segment",
    'headers.claims.include[1]: give exactly one of path and claim',
    'headers.claims.include[2]: "X Baduser" is not a valid header name',
    'headers.claims.include[3]: "X BadX-Auth-Request-Roles" is not a valid header name',
    'headers.claims.include[4]: "X Baddup" is not a valid header name',
    'headers.claims.include[5]: "X Baddup" is not a valid header name',
  ]);
  const reserved: string[] = [];
  parseHeaderConfig({ claims: { prefix: '', include: [{ path: 'r', header: 'X-Auth-Request-Roles' }, 'dup', 'dup'] } }, reserved);
  assert.deepEqual(reserved, ['headers.claims.include[0]: X-Auth-Request-Roles is reserved', 'headers.claims.include[2]: dup is used twice']);
});

test('every header built is accepted by Node and free of CR/LF, whatever the claims', () => {
  const configs = [DEFAULT_HEADER_CONFIG, config({ encoding: 'none', include: ['c', 'd.e'] }), config({ format: 'combined', encoding: 'none', include: ['c'] })];
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }), fc.jsonValue(), (text, groups, claim) => {
      for (const headerConfig of configs) {
        const { headers } = buildIdentityHeaders({ ...base, user: text, groups, roles: groups, claims: { c: claim, d: { e: claim } } }, headerConfig);
        const probe = new Headers();
        for (let i = 0; i < headers.length; i += 2) {
          const value = headers[i + 1] ?? '';
          assert.ok(!/[\r\n\u0000]/.test(value));
          probe.set(headers[i] ?? '', value);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test('property: whatever the identity holds, under every format and encoding, no control character reaches a header', async () => {
  const { validateHeaderName, validateHeaderValue } = await import('node:http');
  const configs = [DEFAULT_HEADER_CONFIG];
  for (const encoding of ['url', 'base64', 'none']) {
    configs.push(config({ encoding, include: ['c', 'd.e', 'list'] }));
    configs.push(config({ format: 'combined', encoding, include: ['c', 'd.e'] }));
  }
  // Text with the characters that break headers and logs: C0, DEL, C1, line and paragraph separators, BOM, lone surrogates.
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.constantFrom('a', ' ', '\r', '\n', '\r\n', '\u0000', '\t', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029', '\ufeff', '\ud800', 'é', '€', '😀', ':', ',', ';', '"', '\\'), { maxLength: 12 }).map((parts) => parts.join('')),
  );
  const text = fc.option(hostile, { nil: undefined });
  fc.assert(
    fc.property(hostile, text, text, fc.array(hostile, { maxLength: 3 }), fc.array(hostile, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), hostile, (user, email, preferredUsername, groups, roles, claim, raw) => {
      const identity: HeaderIdentity = { user, email, preferredUsername, groups, roles, claims: { c: raw, d: { e: claim }, list: groups } };
      for (const headerConfig of configs) {
        const { headers, problem } = buildIdentityHeaders(identity, headerConfig);
        if (problem !== undefined) assert.deepEqual(headers, [], 'a refused identity sends no header at all');
        for (let i = 0; i < headers.length; i += 2) {
          const name = headers[i] as string;
          const value = headers[i + 1] as string;
          validateHeaderName(name);
          validateHeaderValue(name, value);
          // What goes on the wire is the latin1 form: no C0 control or DEL byte may be in it.
          assert.ok(!/[\u0000-\u001f\u007f]/.test(value), `${name}: ${JSON.stringify(value)}`);
          assert.ok([...value].every((c) => c.charCodeAt(0) <= 0xff), `${name} holds a character that is not one byte`);
        }
        // Fixed headers are sent as they are: a control character in one refuses the identity.
        if ([user, email ?? '', preferredUsername ?? '', ...groups, ...roles].some((v) => /[\u0000-\u001f\u007f-\u009f]/.test(v))) {
          assert.notEqual(problem, undefined);
        }
      }
    }),
    { seed: 15005, numRuns: 1500 },
  );
});

test('counter-example: a claim holding a lone surrogate is sent url-encoded as U+FFFD instead of throwing', () => {
  // encodeURIComponent threw URIError on it, failing the check with a 500.
  const built = buildIdentityHeaders({ ...base, claims: { department: 'a\ud800b' } }, config({ include: ['department'] }));
  assert.equal(asMap(built.headers).get('X-Auth-Request-Claim-department'), 'a%EF%BF%BDb');
});
