import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClaimsConfig } from './parse-claims-config.ts';

const labels = (input: unknown) => {
  const { config, problems } = parseClaimsConfig(input);
  assert.deepEqual(problems, []);
  return {
    username: config.username.source.label,
    email: config.email?.source.label,
    groups: config.groups?.source.label,
    name: config.name?.source.label,
    dn: config.dn?.source.label,
  };
};

test('an absent section gives the defaults: sub, email, groups, name and no dn', () => {
  for (const input of [undefined, null, {}]) {
    assert.deepEqual(labels(input), { username: 'sub', email: 'email', groups: 'groups', name: 'name', dn: undefined });
    const { config } = parseClaimsConfig(input);
    assert.equal(config.userinfo, 'auto');
    assert.equal(config.allowUnanchoredPatterns, false);
  }
});

test('the documented section parses with its pattern compiled once', () => {
  const { config, problems } = parseClaimsConfig({
    username: { path: 'preferred_username', pattern: '^([^@]+)@example\\.com$' },
    email: { path: 'email' },
    groups: { path: 'realm_access.roles' },
    name: { path: 'name' },
    dn: { path: 'dn' },
    userinfo: 'always',
    allow_unanchored_patterns: false,
  });
  assert.deepEqual(problems, []);
  assert.ok(config.username.pattern instanceof RegExp);
  assert.deepEqual(config.groups?.source, { kind: 'path', segments: ['realm_access', 'roles'], label: 'realm_access.roles' });
  assert.equal(config.dn?.source.label, 'dn');
  assert.equal(config.userinfo, 'always');
});

test('a plain string is a path, like elastauth claim_mappings', () => {
  assert.deepEqual(labels({ username: 'preferred_username', groups: 'realm_access.roles' }).groups, 'realm_access.roles');
});

test('claim names an exact top-level claim and wins over path', () => {
  const uri = 'http://example.info/claims/groups';
  const { config, problems } = parseClaimsConfig({ groups: { claim: uri, path: 'groups' } });
  assert.deepEqual(problems, []);
  assert.deepEqual(config.groups?.source, { kind: 'claim', name: uri, label: uri });
});

test('a URI given as a path is refused with a hint to use claim', () => {
  const { problems } = parseClaimsConfig({ groups: { path: 'https://example.com/claims/groups' } });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^claims\.groups\.path: .*use claim:/);
});

test('optional fields can be disabled; the username cannot', () => {
  const { config, problems } = parseClaimsConfig({ email: null, groups: false, username: null });
  assert.equal(config.email, undefined);
  assert.equal(config.groups, undefined);
  assert.equal(config.username.source.label, 'sub');
  assert.deepEqual(problems, ['claims.username: the username cannot be disabled; it identifies the user']);
});

test('a pattern alone keeps the default claim; dn without a claim is a problem', () => {
  const { config, problems } = parseClaimsConfig({ username: { pattern: '^(.+)$' }, dn: { pattern: '^(.+)$' } });
  assert.equal(config.username.source.label, 'sub');
  assert.ok(config.username.pattern);
  assert.deepEqual(problems, ['claims.dn: has no default claim; set path or claim']);
});

test('an unanchored pattern is refused and the message explains the impersonation', () => {
  const { problems } = parseClaimsConfig({ username: { path: 'email', pattern: '([^@]+)@staff\\.example\\.com' } });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^claims\.username\.pattern: the pattern is not anchored/);
  assert.match(problems[0] ?? '', /admin@staff\.example\.com\.attacker\.net/);
});

test('allow_unanchored_patterns (or the option) lets an unanchored pattern through; the option wins', () => {
  const section = { username: { pattern: '([^@]+)@staff' }, allow_unanchored_patterns: true };
  assert.deepEqual(parseClaimsConfig(section).problems, []);
  assert.deepEqual(parseClaimsConfig({ ...section, allow_unanchored_patterns: false }, { allowUnanchoredPatterns: true }).problems, []);
  assert.equal(parseClaimsConfig(section, { allowUnanchoredPatterns: false }).problems.length, 1);
  assert.equal(parseClaimsConfig(undefined, { allowUnanchoredPatterns: true }).config.allowUnanchoredPatterns, true);
});

test('a top-level alternation escapes the anchors and is refused', () => {
  const { problems } = parseClaimsConfig({ username: { pattern: '^([a-z]+)@a\\.com|([a-z]+)$' } });
  assert.equal(problems.length, 1);
  assert.match(problems.join('\n'), /top-level '\|'/);
});

test('patterns that do not compile, have no group, or nest repetition are problems', () => {
  const { problems } = parseClaimsConfig({
    username: { pattern: '^([a-z]+$' },
    email: { pattern: '^[a-z]+@x\\.com$' },
    name: { pattern: '^((a|b)+)+$' },
    dn: { claim: 'dn', pattern: '' },
  });
  assert.equal(problems.length, 4);
  assert.match(problems[0] ?? '', /^claims\.username\.pattern: the pattern does not compile/);
  assert.match(problems[1] ?? '', /^claims\.email\.pattern: the pattern has no capture group/);
  assert.match(problems[2] ?? '', /^claims\.name\.pattern: .*exponential/);
  assert.match(problems[3] ?? '', /^claims\.dn\.pattern: the pattern is empty/);
});

test('every problem is reported at once, each with its path, and the config falls back to defaults', () => {
  const { config, problems } = parseClaimsConfig({
    usernme: 'x',
    username: { path: 'a..b', colour: 1 },
    email: 42,
    groups: { claim: '' },
    name: { pattern: 7 },
    userinfo: 'sometimes',
    allow_unanchored_patterns: 'yes',
  });
  assert.deepEqual(problems, [
    'claims.usernme: unknown key',
    'claims.allow_unanchored_patterns: expected true or false',
    'claims.userinfo: expected one of auto, always, never',
    'claims.username.colour: unknown key (expected path, claim or pattern)',
    "claims.username.path: 'a..b' has an empty path segment",
    'claims.email: expected a claim path, { path | claim, pattern } or null',
    'claims.groups.claim: expected an exact claim name of 1 to 1024 characters',
    'claims.name.pattern: expected a regular expression string',
  ]);
  assert.equal(config.username.source.label, 'sub');
  assert.equal(config.groups?.source.label, 'groups');
  assert.equal(config.userinfo, 'auto');
});

test('a section that is not a mapping, or throws when read, is a problem, not an exception', () => {
  assert.deepEqual(parseClaimsConfig(['sub']).problems, ['claims: expected a mapping of claim settings']);
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
  assert.deepEqual(parseClaimsConfig(hostile).problems, ['claims: could not be read: boom']);
});
