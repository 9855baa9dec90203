import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { CONTRACT_ENV } from '../../test/support/adapter-server.ts';
import { createProxyTrust } from './proxy-trust.ts';

/** Serves the trust answer of each request as its body, over connections the client keeps. */
async function serveTrust(env: Record<string, string>): Promise<{ server: Server; ask(headers?: Record<string, string>): Promise<string> }> {
  const trust = createProxyTrust(loadConfig({ ...CONTRACT_ENV, ...env }).proxies);
  const server = createServer((req, res) => res.end(trust(req) ?? 'trusted'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // One kept connection, so later requests arrive on a socket already judged.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  server.once('close', () => agent.destroy());
  const ask = (headers: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, agent, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => void (body += c.toString()));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
  return { server, ask };
}

describe('proxy trust', () => {
  const servers: Server[] = [];
  after(async () => {
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('by network: the same answer for every request of a connection', async () => {
    const trusted = await serveTrust({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.0/8' });
    const untrusted = await serveTrust({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.0.0.0/8' });
    servers.push(trusted.server, untrusted.server);
    for (let i = 0; i < 3; i++) {
      assert.equal(await trusted.ask(), 'trusted');
      assert.equal(await untrusted.ask(), 'the peer address is not in GATEHOUSE_TRUSTED_PROXY_SOURCES');
    }
  });

  it('by secret: every request of a kept connection is judged on its own header', async () => {
    const SECRET = 'a-proxy-secret-of-32-characters!';
    const bySecret = await serveTrust({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.0/8', GATEHOUSE_TRUSTED_PROXY_SECRET: SECRET });
    servers.push(bySecret.server);
    assert.equal(await bySecret.ask({ 'x-gatehouse-proxy-secret': SECRET }), 'trusted');
    assert.equal(await bySecret.ask(), 'the trusted proxy secret is missing or wrong');
    assert.equal(await bySecret.ask({ 'x-gatehouse-proxy-secret': SECRET }), 'trusted');
  });

  it('unconfigured: never trusted', async () => {
    const none = await serveTrust({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '' });
    servers.push(none.server);
    for (let i = 0; i < 2; i++) assert.match(await none.ask(), /^no trusted proxy is configured/);
  });
});
