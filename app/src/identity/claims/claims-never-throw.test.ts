import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mapClaims } from './map-claims.ts';
import { mergeUserinfoClaims } from './merge-userinfo.ts';
import { parseClaimsConfig } from './parse-claims-config.ts';
import { inspectPattern } from './pattern-shape.ts';

const regexish = fc.stringMatching(/^[\^$()[\]{}|*+?.\\a-z0-9@,:<>=!-]{0,24}$/);
const claimName = fc.constantFrom('sub', 'email', 'groups', 'name', 'dn', 'realm_access', 'roles', '__proto__', 'constructor');
const field = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.record(
    { path: fc.oneof(fc.string(), fc.anything()), claim: fc.oneof(fc.string(), fc.anything()), pattern: fc.oneof(regexish, fc.anything()) },
    { requiredKeys: [] },
  ),
);
const section = fc.oneof(
  fc.anything(),
  fc.record(
    {
      username: field, email: field, groups: field, name: field, dn: field,
      userinfo: fc.oneof(fc.constantFrom('auto', 'always', 'never'), fc.anything()),
      allow_unanchored_patterns: fc.oneof(fc.boolean(), fc.anything()),
    },
    { requiredKeys: [] },
  ),
);
const claimValue = fc.oneof(fc.anything(), fc.string(), fc.array(fc.oneof(fc.string(), fc.anything())));
const claims = fc.dictionary(claimName, fc.oneof(claimValue, fc.dictionary(claimName, claimValue)));
const options = fc.record({ allowUnanchoredPatterns: fc.boolean() }, { requiredKeys: [] });

test('parseClaimsConfig never throws and always returns a usable config', () => {
  fc.assert(
    fc.property(section, options, (input, opts) => {
      const { config, problems } = parseClaimsConfig(input, opts);
      assert.ok(Array.isArray(problems));
      assert.ok(config.username.source.label.length > 0);
    }),
    { numRuns: 2000 },
  );
});

test('inspectPattern never throws on any string', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), regexish), (source) => void inspectPattern(source)), { numRuns: 2000 });
});

test('mapClaims never throws, and an identity always has a non-empty username and string groups', () => {
  fc.assert(
    fc.property(section, options, claims, fc.option(claims, { nil: undefined }), (input, opts, idToken, userinfo) => {
      const { config } = parseClaimsConfig(input, opts);
      const result = mapClaims(config, idToken, userinfo);
      assert.equal(typeof result.needsUserinfo, 'boolean');
      if (result.identity) {
        assert.ok(result.identity.username.length > 0);
        assert.ok(result.identity.groups.every((group) => typeof group === 'string' && group.length > 0));
      } else {
        assert.ok(result.problems.length > 0, 'a missing identity is always explained');
      }
    }),
    { numRuns: 2000 },
  );
});

test('merging never lets UserInfo replace an ID token string claim', () => {
  fc.assert(
    fc.property(fc.string(), claims, claims, (sub, idToken, userinfo) => {
      const token = { ...idToken, sub };
      const merged = mergeUserinfoClaims(token, { ...userinfo, sub });
      for (const [key, value] of Object.entries(token)) {
        if (typeof value === 'string' && key !== '__proto__') assert.equal(merged.claims?.[key], value);
      }
    }),
    { numRuns: 1000 },
  );
});

test('a valid anchored pattern maps exactly the values it fully matches', () => {
  const { config } = parseClaimsConfig({ username: { path: 'email', pattern: '^([^@]+)@staff\\.example\\.com$' } });
  fc.assert(
    fc.property(fc.string(), fc.string(), (local, tail) => {
      const email = `${local}@staff.example.com${tail}`;
      const username = mapClaims(config, { email }).identity?.username;
      const fullMatch = /^([^@]+)@staff\.example\.com$/u.exec(email);
      assert.equal(username, fullMatch?.[1] || undefined);
    }),
    { numRuns: 1000 },
  );
});
