/**
 * `make demo` tells the truth: a taken port stops it before anything starts, naming the port and
 * the variable that moves it; a component that is not running is found; the banner lists every
 * demo path the README lists; and each of gatehouse's decisions shows as one readable line.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { spawnLogged, type LoggedChild } from '../support/child-process.ts';
import { killAtExit } from '../support/exit-cleanup.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { demoBanner } from './demo-banner.ts';
import { demoPorts, portsInUse } from './demo-ports.ts';
import { readableLogLine, verifyStack, watchStack } from './demo-watch.ts';
import { startStack } from './start-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const VARIABLES = ['DEMO_NGINX_PORT', 'DEMO_GATEHOUSE_PORT', 'DEMO_METRICS_PORT', 'DEMO_UPSTREAM_PORT', 'DEMO_IDP_PORT'];

async function demoEnv(): Promise<Record<string, string>> {
  const ports = await freePorts(VARIABLES.length);
  return Object.fromEntries(VARIABLES.map((name, i) => [name, String(ports[i])]));
}

function runDemo(env: Record<string, string>): LoggedChild {
  const child = spawnLogged(process.execPath, [join(ROOT, 'e2e', 'stack', 'demo.ts')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  killAtExit(child);
  return child;
}

async function until(what: string, done: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(100)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

function listen(port: number, host: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe('make demo', () => {
  it('a taken port stops it before anything starts, naming the port and its DEMO_*_PORT variable', async () => {
    const env = await demoEnv();
    const held = Number(env.DEMO_NGINX_PORT);
    const server = await listen(held, '127.0.0.1');
    try {
      const demo = runDemo(env);
      await demo.exited;
      assert.equal(demo.exitStatus(), 'exit code 1');
      assert.match(demo.logs(), new RegExp(`^make demo: port ${held} \\(the proxy in front\\) is already in use; set DEMO_NGINX_PORT to a free port`, 'm'));
      assert.doesNotMatch(demo.logs(), /is running|Error:|    at /);
      const others = demoPorts(env).ports.filter((p) => p.port !== held);
      assert.deepEqual(await portsInUse(others), [], 'nothing was started');
    } finally {
      server.close();
    }
  });

  it('a port held on ::1 only is found too (a browser may try it first for localhost)', async (t) => {
    const [port = 0] = await freePorts(1);
    const server = await listen(port, '::1').catch(() => undefined);
    if (!server) return t.skip('no IPv6 loopback here');
    try {
      assert.equal((await portsInUse([{ variable: 'DEMO_IDP_PORT', port, what: 'the test OpenID Provider' }])).length, 1);
    } finally {
      server.close();
    }
  });

  it('a malformed or shared port is named before anything is tried', () => {
    assert.deepEqual(demoPorts({ DEMO_NGINX_PORT: 'eighty', DEMO_IDP_PORT: '4180' }).problems, [
      'DEMO_NGINX_PORT is not a port: "eighty"',
      'DEMO_GATEHOUSE_PORT and DEMO_IDP_PORT are both 4180; give each its own port',
    ]);
  });

  it('the banner lists every demo path the README lists', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sentence = /The demo paths are ([^]*?)\. /.exec(readme)?.[1] ?? '';
    const paths = [...sentence.matchAll(/`(\/[^`]*)`/g)].map((m) => m[1] as string);
    assert.ok(paths.length >= 4, sentence);
    for (const proxy of ['nginx', 'caddy'] as const) {
      const banner = demoBanner({ baseUrl: 'http://localhost:8080', proxy, issuer: 'http://localhost:9400', gatehouse: [{ port: 4180, metricsPort: 9180 }], echoPort: 9000 });
      for (const path of paths) assert.match(banner, new RegExp(`^  http://localhost:8080${path} `, 'm'), `${proxy}: ${path}`);
    }
  });

  it('decisions read as one line each: time, status, result, user, reasons', () => {
    const check = '{"level":"info","time":"2026-01-02T03:04:05.678Z","service":"gatehouse","msg":"auth check","requestId":"r1","status":403,"result":"deny","reasons":["group-unauthorized"],"user":"bob","ms":1.2}';
    assert.equal(readableLogLine(check), '03:04:05  403 deny            "bob"              group-unauthorized');
    const anonymous = '{"level":"info","time":"2026-01-02T03:04:05.678Z","msg":"auth check","status":401,"result":"unauthenticated","reasons":["session-missing"],"ms":0.3}';
    assert.match(readableLogLine(anonymous) ?? '', /401 unauthenticated \(not signed in\)\s+session-missing/);
    const warning = '{"level":"warn","time":"2026-01-02T03:04:05.678Z","msg":"claim holds a control character; denying","user":"mallory","claim":"preferred_username"}';
    assert.equal(readableLogLine(warning), '03:04:05  warn  claim holds a control character; denying  user="mallory" claim="preferred_username"');
    assert.equal(readableLogLine('{"level":"info","msg":"gatehouse listening"}'), undefined);
    assert.equal(readableLogLine('not json'), undefined);
  });

  it('a component that stopped is found, by the check after start-up and by the watch', async () => {
    const stack = await startStack();
    try {
      assert.deepEqual(await verifyStack(stack), []);
      let stopped = '';
      const unwatch = watchStack(stack, (message) => void (stopped = message), 50);
      await stack.nginx.stop();
      await until('the watch', () => stopped !== '', 5000);
      unwatch();
      assert.match(stopped, /^nginx \(pid \d+\) has stopped/);
      const problems = await verifyStack(stack);
      assert.ok(problems.some((p) => /^nginx \(pid \d+\) is not running/.test(p)), problems.join('\n'));
      assert.ok(problems.some((p) => p.includes('instead of sending a visitor to sign in') || p.includes('fetch failed')), problems.join('\n'));
    } finally {
      await stack.stop();
    }
  });

  it('runs, checks its components, shows bob refused on /admin as one line, and stops on Ctrl-C', async () => {
    const env = await demoEnv();
    const demo = runDemo(env);
    try {
      await until('the banner', () => demo.logs().includes('gatehouse demo is running') || demo.exitStatus() !== undefined);
      assert.equal(demo.exitStatus(), undefined, demo.logs());
      const baseUrl = `http://localhost:${env.DEMO_NGINX_PORT}`;
      for (const path of ['/admin', '/abs-rd', '/api', '/oauth2/sign_out']) assert.ok(demo.logs().includes(`${baseUrl}${path} `), path);
      const bob = (await signInOverHttp(baseUrl, { login: 'bob', password: 'bob' })).cookieHeader;
      const page = await httpRequest(`${baseUrl}/admin/x`, { headers: { accept: 'text/html', cookie: bob } });
      assert.equal(page.status, 403);
      assert.match(page.body, /membership of admins/);
      await until('the decision line', () => /^\d\d:\d\d:\d\d {2}403 deny +"bob" +group-unauthorized$/m.test(demo.logs()), 10_000);
    } finally {
      await demo.stop('SIGINT', 20_000);
    }
    assert.equal(demo.exitStatus(), 'exit code 0');
    assert.deepEqual(await portsInUse(demoPorts(env).ports), [], 'everything stopped');
  });
});
