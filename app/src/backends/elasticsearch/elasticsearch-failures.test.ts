import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../../../e2e/support/ports.ts';
import { createTestCertificates, type TestCertificates } from '../../../../e2e/support/tls-certificates.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { BackendUnavailableError, type UnavailableReason } from '../errors.ts';
import { createElasticsearchClient } from './client.ts';
import { backendFor, passwordOf } from './provision.fixture.ts';

let standIn: ElasticsearchStandIn;
let certificates: TestCertificates;
const closers: Array<() => Promise<void>> = [];
before(async () => {
  standIn = await startElasticsearchStandIn();
  certificates = await createTestCertificates();
});
after(async () => {
  for (const close of closers) await close();
  await standIn?.close();
  if (certificates) await rm(certificates.dir, { recursive: true, force: true });
});

const identity = (username: string) => ({ username, roles: ['viewer'], groups: [] });

const unavailable = (reason: UnavailableReason) => (error: unknown) => {
  assert.ok(error instanceof BackendUnavailableError, String(error));
  assert.equal(error.reason, reason);
  assert.equal(error.status, 502);
  return true;
};

async function standInWith(options: Parameters<typeof startElasticsearchStandIn>[0]): Promise<ElasticsearchStandIn> {
  const started = await startElasticsearchStandIn(options);
  closers.push(() => started.close());
  return started;
}

describe('Elasticsearch answers that are not a credential', () => {
  test('wrong admin credentials: a 5xx naming the misconfiguration, counted as an error, nothing written', async () => {
    const backend = backendFor(standIn, { admin: { username: standIn.admin.username, password: 'wrong' } });
    await assert.rejects(backend.provisioner.provision(identity('wrong-admin-wes')), unavailable('admin_credentials_rejected'));
    assert.equal(standIn.user('wrong-admin-wes'), undefined);
    assert.equal(await backend.count('gatehouse_elasticsearch_errors_total', { operation: 'get_user' }), 1);
  });

  test('an admin without manage_security: a 5xx, not a refusal of the user', async () => {
    const weak = await standInWith({ admin: { username: 'reader', password: 'reader-password', roles: ['monitor'] } });
    const backend = backendFor(weak);
    await assert.rejects(backend.provisioner.provision(identity('weak-admin-will')), unavailable('admin_not_authorized'));
  });

  test('a 500 on the write: a 5xx whose message and cause hold no password', async () => {
    const backend = backendFor(standIn);
    standIn.setFault({ kind: 'status', status: 500, methods: ['PUT'] });
    try {
      const error = await backend.provisioner.provision(identity('fault-fay')).then(() => undefined, (e: unknown) => e);
      unavailable('server_error')(error);
      const text = JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) });
      assert.ok(!/password/i.test(text), text);
      assert.equal(await backend.count('gatehouse_elasticsearch_upserts_total', { outcome: 'error' }), 1);
    } finally {
      standIn.setFault(undefined);
    }
    const { authorization } = await backend.provisioner.provision(identity('fault-fay'));
    assert.ok(standIn.authenticate(authorization), 'recovers once the fault is gone');
  });

  test('a 503 from the only host: a 5xx', async () => {
    const backend = backendFor(standIn);
    standIn.setFault({ kind: 'status', status: 503 });
    try {
      await assert.rejects(backend.provisioner.provision(identity('busy-bo')), unavailable('server_error'));
    } finally {
      standIn.setFault(undefined);
    }
  });

  test('a host slower than the request timeout: a timeout 5xx', async () => {
    const slow = await standInWith({});
    slow.setFault({ kind: 'delay', ms: 5000 });
    const backend = backendFor(slow, { requestTimeoutMs: 200 });
    await assert.rejects(backend.provisioner.provision(identity('slow-sid')), unavailable('timeout'));
  });

  test('a server that is not Elasticsearch (no X-Elastic-Product): a 5xx', async () => {
    const impostor: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => impostor.close(() => resolve())));
    const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    const backend = backendFor(standIn, { hosts: [url] });
    await assert.rejects(backend.provisioner.provision(identity('impostor-ida')), unavailable('not_elasticsearch'));
  });
});

describe('hosts in failover order', () => {
  test('a dead first host: the same request moves on to the second, and so do later ones', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const backend = backendFor(standIn, { hosts: [dead, standIn.url] });
    for (const username of ['failover-fred', 'failover-fran']) {
      const { authorization } = await backend.provisioner.provision(identity(username));
      assert.ok(standIn.authenticate(authorization));
    }
  });

  test('a first host answering 503: the request moves on to the second', async () => {
    const busy = await standInWith({});
    busy.setFault({ kind: 'status', status: 503 });
    const backend = backendFor(standIn, { hosts: [busy.url, standIn.url] });
    const { authorization } = await backend.provisioner.provision(identity('busy-first-bea'));
    assert.ok(standIn.authenticate(authorization));
    assert.equal(busy.upserts('busy-first-bea'), 0);
  });

  test('every host dead: unreachable, a 5xx', async () => {
    const hosts = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    const backend = backendFor(standIn, { hosts });
    await assert.rejects(backend.provisioner.provision(identity('nowhere-nia')), unavailable('unreachable'));
  });

  test('hosts with credentials in the URL, or no host, are refused at construction', () => {
    const agent = { request: () => Promise.reject(new Error('never called')), close: async () => {} };
    const base = { username: 'a', password: 'b', requestTimeoutMs: 1000, agent };
    assert.throws(() => createElasticsearchClient({ ...base, hosts: [] }), /at least one host/);
    assert.throws(() => createElasticsearchClient({ ...base, hosts: ['https://u:p@es:9200'] }), /without credentials/);
    assert.throws(() => createElasticsearchClient({ ...base, hosts: ['ftp://es'] }), /http\(s\) URL/);
  });
});

describe('TLS and versions', () => {
  test('HTTPS with the configured CA works; without it the certificate is not trusted', async () => {
    const { certFile, keyFile, caPem } = certificates;
    const secure = await standInWith({ tls: { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') } });
    const trusted = backendFor(secure, { caPem });
    const { authorization } = await trusted.provisioner.provision(identity('tls-tia'));
    assert.ok(secure.authenticate(authorization));
    const untrusted = backendFor(secure);
    await assert.rejects(untrusted.provisioner.provision(identity('tls-ted')), unavailable('unreachable'));
  });

  test('an Elasticsearch 8 cluster is served too (plain JSON, not compatible-with=9)', async () => {
    const eight = await standInWith({ major: 8 });
    const { authorization } = await backendFor(eight).provisioner.provision(identity('eight-eve'));
    assert.ok(eight.authenticate(authorization));
    assert.ok(passwordOf(authorization).length >= 32);
  });
});
