/**
 * Named policies rule on the path nginx routes on, which gatehouse recomputes from the raw request
 * URI (nginxPath). This asks a real nginx: for raw request targets built from the pieces that
 * path-confusion attacks use, nginx's own `$uri` is compared with nginxPath's answer. Whenever
 * nginxPath gives a path it is exactly nginx's; when nginx refuses the request nginxPath refuses
 * it too; and where nginxPath refuses what nginx accepts, it is for one of the documented reasons
 * it is stricter. A policy on /admin then sees every request nginx sends to /admin.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { nginxPath } from '../../app/src/policy/named/nginx-path.ts';
import { pathMatches } from '../../app/src/policy/named/evaluate-policy.ts';
import { spawnLogged, type LoggedChild } from '../support/child-process.ts';
import { killAtExit, removeAtExit } from '../support/exit-cleanup.ts';
import { freePort, waitForPort } from '../support/ports.ts';

let nginx: LoggedChild;
let port: number;
let prefix: string;

before(async () => {
  port = await freePort();
  prefix = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-uri-'));
  removeAtExit(prefix);
  for (const dir of ['logs', 'tmp']) mkdirSync(join(prefix, dir));
  // merge_slashes is on by default, as in ingress-nginx; $uri is the normalised path nginx routes on.
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log crit;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:${port};
        location / { return 200 "$uri"; }
    }
}
`,
  );
  nginx = spawnLogged('nginx', ['-e', 'stderr', '-c', join(prefix, 'nginx.conf'), '-p', `${prefix}/`]);
  killAtExit(nginx);
  await waitForPort(port, { tries: 100, intervalMs: 50 });
});
after(async () => {
  await nginx?.stop('SIGQUIT', 5000);
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

/** Sends one request with `target` as raw bytes; resolves with nginx's status and body bytes. */
function rawGet(target: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('nginx did not answer in 5 s')));
    socket.on('connect', () => socket.end(Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')])));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(all.subarray(0, 20).toString('latin1'))?.[1] ?? 0);
      resolve({ status, body: split === -1 ? Buffer.alloc(0) : all.subarray(split + 4) });
    });
  });
}

/** The pieces of raw request targets: dot segments, encoded slashes and dots, ;params, stray bytes. */
const PIECES = [
  '/', '//', '.', '..', '%2e', '%2E', '%2e%2e', '%2f', '%2F', '%5c', '\\', ';', ';x', '%3b', '?', '#', '%3f', '%23', '%25',
  '%', '%zz', '%4', 'admin', 'Admin', '%61dmin', 'a', 'b', '~', '+', '%20', '%00', '%0a', '%c3%a9', '\u00c3\u00a9', '%ff', '\u00ff', '%c0%af', '*', '!', '$',
];
// Node reads nginx's X-Original-URL as latin1, one character per byte: the same string nginxPath gets in production.
const target = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 9 }).map((parts) => `/${parts.join('')}`);

// Where nginxPath refuses a path nginx serves, its message must be one of these.
const STRICTER = /control character|does not decode to UTF-8|dot segment with ";"/;

test('property: nginxPath agrees with the path real nginx routes on, or refuses for a documented reason', async () => {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(target, async (raw) => {
      const answer = await rawGet(Buffer.from(raw, 'latin1'));
      const ours = nginxPath(raw);
      if (answer.status !== 200) {
        assert.equal(answer.status, 400, `nginx answered ${answer.status} for ${JSON.stringify(raw)}`);
        assert.equal(ours.ok, false, `nginx refuses ${JSON.stringify(raw)}, nginxPath gives ${JSON.stringify(ours)}`);
        return;
      }
      if (!ours.ok) {
        assert.match(ours.problem, STRICTER, `${JSON.stringify(raw)}: nginx routes ${JSON.stringify(answer.body.toString('latin1'))}`);
        return;
      }
      compared += 1;
      assert.equal(Buffer.from(ours.path, 'utf8').toString('latin1'), answer.body.toString('latin1'), JSON.stringify(raw));
      // A policy on /admin (a segment prefix) sees exactly the requests nginx routes under /admin.
      const nginxUnderAdmin = /^\/admin(\/|$)/.test(answer.body.toString('latin1'));
      assert.equal(pathMatches({ kind: 'prefix', prefix: '/admin' }, ours.path), nginxUnderAdmin, JSON.stringify(raw));
    }),
    { seed: 15007, numRuns: 2000 },
  );
  assert.ok(compared > 500, `only ${compared} paths compared: the generator misses routable paths`);
});
