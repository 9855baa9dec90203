/**
 * Properties of the auth-url query as ingress annotations write it, built from the keys gatehouse
 * knows and the ways they get mangled (percent-encoding, repetition, empty values, typos):
 * parsing answers a policy or PolicyQueryError and nothing else; a key it does not know, however
 * encoded, is an error and never silently dropped; and adding a condition never widens access.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PolicySubject } from './named/evaluate-policy.ts';
import { parsePolicies } from './named/parse-policies.ts';
import { decide, NO_FACTS } from './decide.ts';
import { PolicyQueryError } from './query-policy.ts';
import { createRoutePolicyCache, type RoutePolicy } from './route-policy-cache.ts';

const FUZZ = { seed: 15006, numRuns: 3000 };
const { policies } = parsePolicies({ admins: { groups: ['admins'] }, anyone: {} });
const parse = createRoutePolicyCache(() => policies, { backends: ['none', 'elasticsearch'], sources: ['session', 'bearer'] });

const VALUES = ['admins', 'devs', 'a,b', ',', '', 'example.com', 'alice@example.com', 'A|B', 'r', 'admins%2Cdevs', '%61dmins', '+admins', 'x%', '%zz', '%00'];
const KNOWN_KEYS = ['allowed_groups', 'allowed_emails', 'allowed_email_domains', 'allowed_roles', 'allowed_scopes', 'role', 'policy'];
const key = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 6 },
  // Known keys percent-encoded decode to themselves; typos, case changes and strangers do not.
  fc.constantFrom('allowed%5Fgroups', '%61llowed_roles', 'Allowed_groups', 'allowed_group', 'allowedgroups', 'group', 'groups', 'backend%3D', 'x', '', '%', '%zz'),
);
const pair = fc.oneof(
  fc.tuple(key, fc.constantFrom(...VALUES)).map(([k, v]) => `${k}=${v}`),
  key,
  fc.constantFrom('policy=admins', 'policy=anyone', 'policy=nope', 'backend=none', 'backend=elasticsearch', 'backend=eventstore', 'backend=', 'sources=bearer', 'sources=session,bearer', 'sources=trusted-headers', 'sources=', '%62ackend=none'),
);
const query = fc.array(pair, { maxLength: 5 }).map((pairs) => pairs.join('&'));

const subject: fc.Arbitrary<PolicySubject> = fc.record({
  user: fc.constantFrom('alice', 'bob'),
  email: fc.option(fc.constantFrom('alice@example.com', 'bob@other.org', 'no-at-sign', 'a@b@example.com'), { nil: undefined }),
  groups: fc.subarray(['admins', 'devs', 'a', 'b']),
  roles: fc.subarray(['A', 'B', 'r']),
  claims: fc.constantFrom({}, { scope: 'admins r' }, { scp: ['devs', 'a'] }),
});

function tryParse(raw: string): RoutePolicy | PolicyQueryError {
  try {
    return parse(raw);
  } catch (err) {
    assert.ok(err instanceof PolicyQueryError, `${JSON.stringify(raw)} threw ${String(err)}`);
    return err;
  }
}

/** The key of a pair as the parsers read it; undefined when it cannot be decoded. */
function decodedKey(pair: string): string | undefined {
  const eq = pair.indexOf('=');
  try {
    return decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

test('property: a query parses to a policy or PolicyQueryError, and any key gatehouse does not know is an error', () => {
  let parsed = 0;
  fc.assert(
    fc.property(query, (raw) => {
      const result = tryParse(raw);
      if (result instanceof PolicyQueryError) return;
      parsed += 1;
      for (const pair of raw.split('&')) {
        if (pair === '') continue;
        const name = decodedKey(pair);
        // backend= and sources= are read raw, before decoding, exactly as written.
        const routeKey = pair === 'backend' || pair.startsWith('backend=') || pair === 'sources' || pair.startsWith('sources=');
        assert.ok(routeKey || (name !== undefined && KNOWN_KEYS.includes(name)), `${JSON.stringify(raw)} parsed despite ${JSON.stringify(pair)}`);
      }
    }),
    FUZZ,
  );
  assert.ok(parsed > 300, `only ${parsed} queries parsed: the generator misses valid ones`);
});

test('property: adding a pair to a query never turns a denial into an allow', () => {
  fc.assert(
    fc.property(query, pair, subject, (raw, extra, who) => {
      const before = tryParse(raw);
      const after = tryParse(raw === '' ? extra : `${raw}&${extra}`);
      if (after instanceof PolicyQueryError) return;
      assert.ok(!(before instanceof PolicyQueryError), `${JSON.stringify(raw)} was refused, yet adding ${extra} made it parse`);
      const was = decide(before.query, who, NO_FACTS).allow;
      const is = decide(after.query, who, NO_FACTS).allow;
      assert.ok(was || !is, `${JSON.stringify(raw)} + ${extra} allowed ${JSON.stringify(who)}`);
    }),
    FUZZ,
  );
});

test('property: an allow always names a satisfied condition, and an empty list never allows', () => {
  fc.assert(
    fc.property(query, subject, (raw, who) => {
      const route = tryParse(raw);
      if (route instanceof PolicyQueryError) return;
      const decision = decide(route.query, who, NO_FACTS);
      assert.ok(decision.reasons.length > 0);
      const { base, allowedRoles, allowedScopes, roleRequirements } = route.query;
      const lists = [base.allowedGroups, base.allowedEmails, base.allowedEmailDomains, allowedRoles, allowedScopes, ...roleRequirements];
      if (lists.some((list) => list !== undefined && list.length === 0)) assert.equal(decision.allow, false, raw);
    }),
    FUZZ,
  );
});
