import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FILE_SECTIONS } from './file-reference.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const valid = {
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's3cret',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
};

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sidecar-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The environment with a config file holding `text`. */
function withFile(text: string, env: Record<string, string> = {}): Record<string, string> {
  const file = join(dir, `config-${files++}.yaml`);
  writeFileSync(file, text);
  return { ...valid, GATEHOUSE_CONFIG_FILE: file, ...env };
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('sidecar configuration', () => {
  it('is off without GATEHOUSE_UPSTREAM, and on with defaults that bound both sides', () => {
    assert.equal(loadConfig(valid).sidecar, undefined);
    const sidecar = loadConfig({ ...valid, GATEHOUSE_UPSTREAM: 'http://127.0.0.1:8080' }).sidecar;
    assert.equal(sidecar?.upstream.origin, 'http://127.0.0.1:8080');
    assert.deepEqual(
      { ...sidecar, upstream: undefined },
      {
        upstream: undefined,
        maxConnections: 128,
        keepAliveTimeoutMs: 4000,
        connectTimeoutMs: 5000,
        responseTimeoutMs: 60_000,
        bodyTimeoutMs: 300_000,
        clientHeadersTimeoutMs: 10_000,
        clientRequestTimeoutMs: 600_000,
        routes: { routes: [], skip: [] },
      },
    );
  });

  it('reads the routes and skip list of the config file', () => {
    const env = withFile('sidecar:\n  routes:\n    - { path: /admin, methods: [GET], policy: "allowed_groups=admins" }\n  skip: [/healthz]\n', { GATEHOUSE_UPSTREAM: 'http://127.0.0.1:8080' });
    const routes = loadConfig(env).sidecar?.routes;
    assert.equal(routes?.routes[0]?.policy, 'allowed_groups=admins');
    assert.deepEqual(routes?.skip.map((rule) => rule.source), ['/healthz']);
  });

  it('names every problem of the upstream and the timeouts at once', () => {
    for (const [upstream, problem] of [
      ['127.0.0.1:8080', 'GATEHOUSE_UPSTREAM: "127.0.0.1:8080" is not an absolute URL (e.g. http://127.0.0.1:8080)'],
      ['ftp://127.0.0.1', 'GATEHOUSE_UPSTREAM: must be an http:// or https:// URL (e.g. http://127.0.0.1:8080)'],
      ['http://u:p@127.0.0.1:8080', 'GATEHOUSE_UPSTREAM: must not hold credentials (e.g. http://127.0.0.1:8080)'],
      ['http://127.0.0.1:8080/app', 'GATEHOUSE_UPSTREAM: must be an origin with no path, query or fragment (e.g. http://127.0.0.1:8080)'],
      ['http://127.0.0.1:8080/?x', 'GATEHOUSE_UPSTREAM: must be an origin with no path, query or fragment (e.g. http://127.0.0.1:8080)'],
    ]) {
      assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_UPSTREAM: upstream as string }), [problem], upstream);
    }
    assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_UPSTREAM: 'http://127.0.0.1:8080', GATEHOUSE_CLIENT_HEADERS_TIMEOUT: '2m', GATEHOUSE_CLIENT_REQUEST_TIMEOUT: '1m' }), [
      'GATEHOUSE_CLIENT_HEADERS_TIMEOUT must not exceed GATEHOUSE_CLIENT_REQUEST_TIMEOUT',
    ]);
  });

  it('checks each route policy as the check will read it: named policies and backends included', () => {
    const env = withFile(
      [
        'policies:',
        '  readers: { groups: [devs] }',
        'sidecar:',
        '  routes:',
        '    - { path: /a, policy: "policy=readers" }',
        '    - { path: /b, policy: "policy=writers" }',
        '    - { path: /c, policy: "backend=elasticsearch" }',
        '    - { path: /d, policy: "allowed_grups=admins" }',
      ].join('\n'),
      { GATEHOUSE_UPSTREAM: 'http://127.0.0.1:8080' },
    );
    const problems = problemsOf(env);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0] ?? '', /^sidecar\.routes\[1\]\.policy: "policy=writers": .*writers/);
    assert.match(problems[1] ?? '', /^sidecar\.routes\[2\]\.policy: "backend=elasticsearch": backend=elasticsearch is not configured/);
    assert.match(problems[2] ?? '', /^sidecar\.routes\[3\]\.policy: "allowed_grups=admins": .*allowed_grups/);
  });

  it('refuses a sidecar section without GATEHOUSE_UPSTREAM rather than ignore it', () => {
    assert.deepEqual(problemsOf(withFile('sidecar:\n  skip: [/healthz]\n')), ['sidecar: the config file has a sidecar section but GATEHOUSE_UPSTREAM is not set']);
  });
});

describe('the documented sidecar section', () => {
  it('loads without problems', () => {
    const section = FILE_SECTIONS.find((s) => s.keys.includes('sidecar'));
    assert.ok(section);
    const sidecar = loadConfig(withFile(section.example, { GATEHOUSE_UPSTREAM: 'http://127.0.0.1:8080' })).sidecar;
    assert.equal(sidecar?.routes.routes.length, 2);
    assert.equal(sidecar?.routes.skip.length, 2);
  });
});
