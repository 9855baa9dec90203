import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import type { Config } from '../../config/config.ts';
import type { IdentityConfig } from '../../identity/identity-config.ts';
import type { SidecarOriginal } from './sidecar-request.ts';
import { createUpstreamHeaders } from './upstream-headers.ts';

test("the certificate source's shared secret never reaches the app; the certificate the ingress passed on does", () => {
  const config = {
    proxies: { signinUrl: undefined, trust: { sources: [], secret: undefined } },
    trustedHeaders: undefined,
    clientCertificates: { trust: { sources: [], secret: { header: 'X-Gatehouse-Client-Cert-Secret', values: ['0123456789abcdef'] } } },
    upstreamHeaders: { authorization: 'none', accessToken: false },
    cookie: { name: 'gatehouse', domain: undefined, secure: false, keys: [], keysFile: undefined, keysGenerated: false },
  } as unknown as Pick<Config, 'proxies' | 'trustedHeaders' | 'clientCertificates' | 'upstreamHeaders' | 'cookie'>;
  const identity = { headers: { format: 'separate', encoding: 'url', combinedHeader: 'X-Auth-Request-Claims', claims: [] } } as unknown as Pick<IdentityConfig, 'headers'>;
  const raw = ['Host', 'app.example.com', 'X-Gatehouse-Client-Cert-Secret', '0123456789abcdef', 'ssl-client-cert', '-----BEGIN%20CERTIFICATE-----%0A'];
  const req = { rawHeaders: raw, headers: { host: raw[1], 'x-gatehouse-client-cert-secret': raw[3], 'ssl-client-cert': raw[5] } } as unknown as IncomingMessage;
  const original = { method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/', clientIp: '192.0.2.7', wantsPage: false, rawPath: '/', path: '/', peer: '192.0.2.7', trusted: false } as SidecarOriginal;
  const sent = createUpstreamHeaders(config, () => identity)(req, original, [], 'id-1').map((v, i) => (i % 2 === 0 ? v.toLowerCase() : v));
  assert.equal(sent.includes('x-gatehouse-client-cert-secret'), false);
  assert.ok(sent.includes('ssl-client-cert'));
});
