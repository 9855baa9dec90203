/**
 * The htpasswd source with files the real htpasswd writes: the source contract; groups from the
 * config file's section; the file reloaded when it changes (a refused file keeps the users in
 * force); weak schemes refused at start-up with how to re-hash; a missing user costing what a
 * wrong password costs; and failed attempts limited per client address, on every replica at once
 * when the store is Redis.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load-config.ts';
import { createHtpasswdSource } from '../../src/sources/htpasswd/htpasswd-source.ts';
import { requestWith, sourceContract } from '../../src/sources/source.contract.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { basic, startPasswordGatehouse, type PasswordGatehouse } from '../support/password-gatehouse.ts';

const line = (...args: string[]): string => execFileSync('htpasswd', ['-nb', ...args], { encoding: 'utf8' }).trim();
const PASSWORDS = { alice: 'alice-Passw0rd!', bob: 'bob-Passw0rd!', carol: 'carol-Passw0rd!' };

describe('htpasswd source', () => {
  let dir: string;
  let file: string;
  let g: PasswordGatehouse;
  const others: PasswordGatehouse[] = [];
  let redis: RedisServerHandle | undefined;
  /** Replaces the file as Kubernetes updates a mounted Secret: a new file renamed over the old. */
  const replaceFile = (text: string): void => {
    writeFileSync(`${file}.new`, text);
    renameSync(`${file}.new`, file);
  };
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    GATEHOUSE_IDENTITY_SOURCES: 'htpasswd',
    GATEHOUSE_HTPASSWD_FILE: file,
    GATEHOUSE_CONFIG_RELOAD_INTERVAL: '100ms',
    ...extra,
  });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-htpasswd-'));
    file = join(dir, 'users');
    writeFileSync(file, [line('-B', 'alice', PASSWORDS.alice), line('-5', 'bob', PASSWORDS.bob)].join('\n'));
    g = await startPasswordGatehouse(env({ GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '1000', GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: '1000' }), {
      path: join(dir, 'gatehouse.yaml'),
      yaml: 'htpasswd:\n  groups:\n    admins: [alice]\n    readers: [alice, bob]\ngroup_mappings:\n  admins: [$admins]\n',
    });
  });
  after(async () => {
    await g?.stop();
    for (const other of others) await other.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  sourceContract({
    source: () => createHtpasswdSource(g.server.deps),
    valid: () => ({ authorization: basic('alice', PASSWORDS.alice) }),
    user: 'alice',
    invalid: () => [
      { authorization: basic('alice', PASSWORDS.bob) },
      { authorization: basic('Alice', PASSWORDS.alice) },
      { authorization: basic('nobody', PASSWORDS.alice) },
      { authorization: basic('alice', '') },
      { authorization: 'Basic =' },
    ],
  });

  it('groups come from the config file, roles and policies follow them, for every hash scheme', async () => {
    const alice = await g.auth(basic('alice', PASSWORDS.alice), { query: '?backend=eventstore' });
    assert.equal(alice.status, 200);
    assert.equal(alice.headers['x-auth-request-source'], 'htpasswd');
    assert.equal(alice.headers['x-auth-request-groups'], 'admins,readers');
    assert.equal(alice.headers['es-trustedauth'], 'alice; $admins');
    assert.equal((await g.auth(basic('bob', PASSWORDS.bob), { query: '?allowed_groups=admins' })).status, 403);
    assert.equal((await g.auth(basic('bob', PASSWORDS.bob), { query: '?allowed_groups=readers' })).status, 200);
    const wrong = await g.auth(basic('bob', 'nope'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="gatehouse", charset="UTF-8"');
  });

  it('the file is reloaded when it changes; a changed file with a weak hash is refused and the users in force stay', async () => {
    replaceFile([line('-B', 'alice', 'alice-new-Passw0rd'), line('-2', 'carol', PASSWORDS.carol)].join('\n'));
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await sleep(100);
      status = (await g.auth(basic('carol', PASSWORDS.carol))).status;
    }
    assert.equal(status, 200, 'carol was added');
    assert.equal((await g.auth(basic('alice', PASSWORDS.alice))).status, 401, 'the old password is gone');
    assert.equal((await g.auth(basic('bob', PASSWORDS.bob))).status, 401, 'bob was removed');
    replaceFile([line('-B', 'alice', 'alice-new-Passw0rd'), line('dave', 'dave-pw')].join('\n'));
    for (let i = 0; i < 50 && !g.logs.some((l) => l.msg === 'htpasswd file refused; the users in force stay'); i++) await sleep(100);
    const refused = g.logs.find((l) => l.msg === 'htpasswd file refused; the users in force stay');
    assert.ok(refused, 'the refusal is logged');
    assert.match(JSON.stringify(refused.problems), /dave.*MD5-crypt.*htpasswd -B <file> dave/);
    assert.equal((await g.auth(basic('carol', PASSWORDS.carol))).status, 200, 'carol is still in force');
    replaceFile([line('-B', 'alice', 'alice-new-Passw0rd'), line('-2', 'carol', PASSWORDS.carol)].join('\n'));
  });

  it('weak schemes stop start-up, each named with the command that re-hashes it', () => {
    const weak = join(dir, 'weak');
    writeFileSync(weak, [line('alice', 'a'), line('-s', 'bob', 'b'), line('-B', 'carol', 'c')].join('\n'));
    assert.throws(
      () => loadConfig({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: weak }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 2, err.message);
        assert.match(err.problems[0] as string, /line 1: user "alice" uses MD5-crypt .*re-hash it with: htpasswd -B <file> alice/);
        assert.match(err.problems[1] as string, /line 2: user "bob" uses unsalted SHA-1/);
        return true;
      },
    );
  });

  it("a login missing from the file takes as long as a wrong password for the file's usual hash", async () => {
    const users = join(dir, 'timing-users');
    writeFileSync(users, ['carol', 'erin', 'frank'].map((u) => line('-B', '-C', '6', u, 'pw')).concat(line('-5', 'grace', 'pw')).join('\n'));
    const timing = await startPasswordGatehouse({ ...env(), GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '1000', GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: '1000' });
    others.push(timing);
    const source = createHtpasswdSource(timing.server.deps);
    const once = async (login: string): Promise<number> => {
      const started = performance.now();
      const who = await source.identify(requestWith({ authorization: basic(login, 'a wrong password') }));
      assert.equal(who.state, 'unauthenticated');
      return performance.now() - started;
    };
    await once('carol');
    const wrong: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 10; i++) {
      wrong.push(await once('carol'));
      missing.push(await once(`nobody-${i}`));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
    const [w, m] = [median(wrong), median(missing)];
    assert.ok(Math.max(w, m) / Math.min(w, m) < 1.5, `wrong ${w.toFixed(2)} ms, missing ${m.toFixed(2)} ms`);
  });

  it('failed attempts are limited per client address across logins; the address is the proxy\'s, never a header the client sent', async () => {
    const limited = await startPasswordGatehouse(env({ GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: '3', GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '100' }));
    others.push(limited);
    for (const login of ['u1', 'u2', 'u3']) assert.equal((await limited.forwardAuth(basic(login, 'x'), { clientIp: '203.0.113.9' })).status, 401);
    const blocked = await limited.forwardAuth(basic('alice', 'alice-new-Passw0rd'), { clientIp: '203.0.113.9' });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal((await limited.forwardAuth(basic('alice', 'alice-new-Passw0rd'), { clientIp: '203.0.113.10' })).status, 200, 'another address');
    // At /oauth2/auth the address is nginx's X-Real-IP.
    for (const login of ['v1', 'v2', 'v3']) assert.equal((await limited.auth(basic(login, 'x'), { realIp: '2001:db8:7:7::1' })).status, 401);
    assert.equal((await limited.auth(basic('alice', 'alice-new-Passw0rd'), { realIp: '2001:db8:7:7::abcd' })).status, 403, 'the same /64');
    assert.match(await limited.metrics(), /^gatehouse_rate_limited_total\{scope="client"\} 2$/m);
  });

  it('with a Redis store the counts are shared: failures through one replica block the login on another', async () => {
    redis = await startRedisServer();
    const shared = env({ GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: redis.url, GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '2' });
    const [a, b] = [await startPasswordGatehouse(shared), await startPasswordGatehouse(shared)];
    others.push(a, b);
    assert.equal((await a.auth(basic('alice', 'guess-1'))).status, 401);
    assert.equal((await b.auth(basic('alice', 'guess-2'))).status, 401);
    const onA = await a.forwardAuth(basic('alice', 'alice-new-Passw0rd'));
    const onB = await b.forwardAuth(basic('alice', 'alice-new-Passw0rd'));
    assert.equal(onA.status, 429);
    assert.equal(onB.status, 429);
    await redis.stop();
    assert.equal((await a.auth(basic('alice', 'alice-new-Passw0rd'))).status, 503, 'no Redis: fail closed, never an unlimited try');
  });
});
