/**
 * Rules across values that the schema cannot express make the chart fail with a message saying how
 * to fix it, all messages at once; above all, more than one replica without a shared session store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templateChart } from './support/helm.ts';

const MINIMAL = 'chart/ci/default-values.yaml';

/** A broken combination and a piece of the message that must explain it. */
const BROKEN: readonly { readonly name: string; readonly values: Record<string, unknown>; readonly message: RegExp }[] = [
  {
    name: 'three replicas on the memory store',
    values: { replicaCount: 3 },
    message: /3 pods cannot share sessions kept in memory .* set redis\.enabled=true to deploy Redis with the chart, or point redis\.url/,
  },
  {
    name: 'autoscaling beyond one pod on the memory store',
    values: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 4 } },
    message: /4 pods cannot share sessions kept in memory/,
  },
  { name: 'two Redis at once', values: { redis: { enabled: true, url: 'redis://r:6379' } }, message: /choose one Redis/ },
  { name: 'sentinels without a master name', values: { redis: { sentinels: ['s-0:26379'] } }, message: /redis\.sentinels needs redis\.sentinelMaster/ },
  { name: 'a password inside the Redis URL', values: { redis: { url: 'redis://:hunter2@r:6379/0' } }, message: /redis\.url holds a password, which would land in a ConfigMap/ },
  { name: 'both a client secret and an existing Secret', values: { oidc: { existingSecret: 'oidc' } }, message: /set only one of oidc\.clientSecret and oidc\.existingSecret/ },
  { name: 'both cookie keys and an existing Secret', values: { cookie: { secret: 'x', existingSecret: 'keys' } }, message: /set only one of cookie\.secret and cookie\.existingSecret/ },
  { name: 'an Ingress without a host', values: { ingress: { enabled: true } }, message: /ingress\.enabled needs ingress\.host/ },
  {
    name: 'the oidc provider without an issuer or a client id',
    values: { authProvider: 'oidc', oidc: { issuerUrl: '', clientId: '' } },
    message: /oidc\.issuerUrl is required with authProvider=oidc.*oidc\.clientId is required with authProvider=oidc/,
  },
  { name: 'an /oauth2 Ingress without browser sign-in', values: { authProvider: 'oidc', ingress: { enabled: true, host: 'api.example.com' } }, message: /ingress\.enabled serves the browser sign-in at \/oauth2, which only authProvider=login has/ },
  {
    name: 'authelia without a trusted upstream',
    values: { authProvider: 'authelia' },
    message: /authProvider=authelia believes identity headers only from a trusted upstream, and none is configured .* set trustedHeaders\.sources/,
  },
  { name: 'both a trusted-header secret and an existing Secret', values: { trustedHeaders: { secret: 'x'.repeat(32), existingSecret: 'upstream' } }, message: /set only one of trustedHeaders\.secret and trustedHeaders\.existingSecret/ },
  { name: 'the Elasticsearch backend without a connection', values: { backend: 'elasticsearch' }, message: /backend=elasticsearch needs elasticsearch\.enabled=true/ },
  { name: 'Elasticsearch without hosts', values: { elasticsearch: { enabled: true } }, message: /elasticsearch\.enabled needs elasticsearch\.hosts/ },
  { name: 'autoscaling with min above max', values: { redis: { enabled: true }, autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } }, message: /minReplicas must not exceed autoscaling\.maxReplicas/ },
  {
    name: 'a grace period shorter than the shutdown',
    values: { shutdown: { terminationGracePeriodSeconds: 10 } },
    message: /terminationGracePeriodSeconds must be at least shutdown\.preStopSeconds \+ shutdown\.drainSeconds/,
  },
];

describe('chart validation', () => {
  for (const broken of BROKEN) {
    it(`refuses ${broken.name}`, async () => {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: broken.values });
      assert.notEqual(result.code, 0, 'rendered anyway');
      assert.match(result.stderr, /gatehouse values are invalid:/);
      assert.match(result.stderr.replaceAll('\n', ' '), broken.message);
    });
  }

  it('lists every problem of an empty install at once, each with what to set', async () => {
    const result = await templateChart({});
    assert.notEqual(result.code, 0);
    for (const expected of [/oidc\.issuerUrl is required/, /oidc\.clientId is required/, /the client secret is missing/, /the callback URL is unknown/]) {
      assert.match(result.stderr, expected);
    }
  });

  it('renders each identity source from only the values it needs', async () => {
    for (const values of [
      { authProvider: 'oidc', oidc: { issuerUrl: 'https://login.example.com/realms/main', clientId: 'gatehouse' } },
      { authProvider: 'authelia', trustedHeaders: { sources: ['10.42.0.0/16'] } },
      { authProvider: 'authelia', trustedHeaders: { existingSecret: 'upstream' } },
    ]) {
      const result = await templateChart({ values });
      assert.equal(result.code, 0, `${JSON.stringify(values)}: ${result.stderr}`);
    }
  });

  it('renders three replicas once the chart deploys Redis', async () => {
    const result = await templateChart({ valuesFiles: [MINIMAL], values: { replicaCount: 3, redis: { enabled: true } } });
    assert.equal(result.code, 0, result.stderr);
  });

  it('renders three replicas on an external Redis', async () => {
    const result = await templateChart({ valuesFiles: [MINIMAL], values: { replicaCount: 3, redis: { url: 'rediss://redis.example:6380/0' } } });
    assert.equal(result.code, 0, result.stderr);
  });
});
