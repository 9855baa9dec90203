/**
 * values.schema.json refuses every kind of bad value: unknown keys at any depth, wrong types,
 * values outside an enum or a range, and malformed strings. Each case is checked with ajv (which
 * names the offending path) and with helm itself, which enforces the schema on install, upgrade,
 * lint and template.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, templateChart } from './support/helm.ts';
import { defaultValues, mergeValues, schemaProblems, valuesFile } from './support/values.ts';

const MINIMAL = 'chart/ci/default-values.yaml';

/** A bad override, and what the schema must say about it. */
interface BadValue {
  readonly kind: string;
  readonly values: Record<string, unknown>;
  /** Start of the ajv message: `<path> <message>`. */
  readonly problem: string;
}

const BAD_VALUES: readonly BadValue[] = [
  { kind: 'an unknown top-level key', values: { replicas: 3 }, problem: '/ must NOT have additional properties (replicas)' },
  { kind: 'an unknown nested key (misspelt)', values: { oidc: { issuerURL: 'https://x' } }, problem: '/oidc must NOT have additional properties (issuerURL)' },
  { kind: 'an unknown key two levels down', values: { redis: { server: { image: { digest: 'x' } } } }, problem: '/redis/server/image must NOT have additional properties (digest)' },
  { kind: 'a string where a number belongs', values: { replicaCount: '3' }, problem: '/replicaCount must be integer' },
  { kind: 'a string where a boolean belongs', values: { cookie: { secure: 'false' } }, problem: '/cookie/secure must be boolean' },
  { kind: 'a map where a list belongs', values: { allowedRedirectDomains: { a: 'example.com' } }, problem: '/allowedRedirectDomains must be array' },
  { kind: 'a wrong list item type', values: { networkPolicy: { providerPorts: ['https'] } }, problem: '/networkPolicy/providerPorts/0 must be integer' },
  { kind: 'a value outside an enum', values: { headers: { setAuthorization: 'both' } }, problem: '/headers/setAuthorization must be equal to one of the allowed values' },
  { kind: 'an unknown backend', values: { backend: 'ldap' }, problem: '/backend must be equal to one of the allowed values' },
  { kind: 'an unknown identity source', values: { authProvider: 'saml' }, problem: '/authProvider must be equal to one of the allowed values' },
  { kind: 'an unknown Bearer validation', values: { bearer: { validation: 'introspection' } }, problem: '/bearer/validation must be equal to one of the allowed values' },
  { kind: 'one CIDR where a list belongs', values: { trustedHeaders: { sources: '10.0.0.0/8' } }, problem: '/trustedHeaders/sources must be array' },
  { kind: 'a trusted source without a prefix length', values: { trustedHeaders: { sources: ['10.0.0.1'] } }, problem: '/trustedHeaders/sources/0 must match pattern' },
  { kind: 'a header name with a space', values: { trustedHeaders: { user: 'Remote User' } }, problem: '/trustedHeaders/user must match pattern' },
  { kind: 'a trusted-header secret shorter than 16 characters', values: { trustedHeaders: { secret: 'hunter2' } }, problem: '/trustedHeaders/secret must match pattern' },
  { kind: 'an unknown trusted-header key', values: { trustedHeaders: { secretHeaders: 'X-Secret' } }, problem: '/trustedHeaders must NOT have additional properties (secretHeaders)' },
  { kind: 'a malformed credential TTL', values: { elasticsearch: { credentialTtl: '1 hour' } }, problem: '/elasticsearch/credentialTtl must match pattern' },
  { kind: 'a string where the dry-run boolean belongs', values: { elasticsearch: { dryRun: 'true' } }, problem: '/elasticsearch/dryRun must be boolean' },
  { kind: 'a number below its minimum', values: { replicaCount: 0 }, problem: '/replicaCount must be >= 1' },
  { kind: 'a port above 65535', values: { service: { port: 70000 } }, problem: '/service/port must be <= 65535' },
  { kind: 'a malformed duration', values: { session: { idleTimeout: '8 hours' } }, problem: '/session/idleTimeout must match pattern' },
  { kind: 'a callback URL with the wrong path', values: { oidc: { redirectUrl: 'https://app.example.com/callback' } }, problem: '/oidc/redirectUrl must match pattern' },
  { kind: 'scopes without openid', values: { oidc: { scopes: 'profile email' } }, problem: '/oidc/scopes must match pattern' },
  { kind: 'a malformed image digest', values: { image: { digest: 'sha256:abc' } }, problem: '/image/digest must match pattern' },
  { kind: 'a sentinel without a port', values: { redis: { sentinels: ['sentinel-0'] } }, problem: '/redis/sentinels/0 must match pattern' },
  { kind: 'a Redis URL with another scheme', values: { redis: { url: 'http://redis:6379' } }, problem: '/redis/url must match pattern' },
  { kind: 'an annotation value that is not a string', values: { podAnnotations: { 'example.com/scrape': true } }, problem: '/podAnnotations/example.com~1scrape must be string' },
  { kind: 'a resource key that does not exist', values: { resources: { limits: { memroy: '1Gi' } } }, problem: '/resources/limits must NOT have additional properties (memroy)' },
];

describe('values.schema.json', () => {
  it('accepts values.yaml merged with every chart/ci scenario', () => {
    for (const scenario of readdirSync(join(CHART_DIR, 'ci'))) {
      assert.deepEqual(schemaProblems(mergeValues(defaultValues(), valuesFile(`chart/ci/${scenario}`))), [], scenario);
    }
  });

  for (const bad of BAD_VALUES) {
    it(`rejects ${bad.kind}`, async () => {
      const values = mergeValues(mergeValues(defaultValues(), valuesFile(MINIMAL)), bad.values);
      const problems = schemaProblems(values);
      assert.ok(problems.some((p) => p.startsWith(bad.problem)), `want "${bad.problem}", got:\n${problems.join('\n')}`);
      const helm = await templateChart({ valuesFiles: [MINIMAL], values: bad.values });
      assert.notEqual(helm.code, 0, 'helm template accepted it');
      assert.match(helm.stderr, /values don't meet the specifications of the schema/);
    });
  }
});
