/**
 * The outbound part of the configuration: the OpenID Provider's CA bundle, the connect timeout
 * and the egress proxy. Every problem is appended naming its variable; nothing throws. The CA
 * file is read by the caller, the one place that reads files.
 */
import { X509Certificate } from 'node:crypto';
import type { OutboundSettings, ProxyVariables } from './config.ts';
import type { CleanedEnv } from './schema.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Appends a problem unless `pem` holds at least one certificate and every certificate block in it
 * parses, so a truncated or mistyped bundle stops start-up instead of the first TLS handshake.
 */
export function checkPemBundle(name: string, pem: string | undefined, problems: string[]): void {
  if (pem === undefined) return;
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    problems.push(`${name} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return;
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      problems.push(`${name}: certificate ${index + 1} of ${blocks.length} cannot be parsed`);
    }
  });
}

/**
 * The proxy URL in `value` of the variable `name`, as undici's ProxyAgent needs it. A bare
 * `host:port` means http://, as curl reads it. The value is never echoed: it may hold credentials.
 */
function proxyUrl(name: string, value: string, problems: string[]): string {
  const raw = value.trim();
  if (raw === '') return '';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    problems.push(`${name} is not an http(s) proxy URL (e.g. http://proxy.example.com:3128)`);
    return '';
  }
  return url.href;
}

/** The lower-case form wins when both are set, as undici and most tools read them. */
function pick(env: CleanedEnv, lower: 'https_proxy' | 'http_proxy' | 'no_proxy', upper: 'HTTPS_PROXY' | 'HTTP_PROXY' | 'NO_PROXY'): { name: string; value: string } {
  return env[lower] !== '' ? { name: lower, value: env[lower] } : { name: upper, value: env[upper] };
}

function proxyVariables(env: CleanedEnv, problems: string[]): ProxyVariables {
  const https = pick(env, 'https_proxy', 'HTTPS_PROXY');
  const http = pick(env, 'http_proxy', 'HTTP_PROXY');
  return {
    https: proxyUrl(https.name, https.value, problems),
    http: proxyUrl(http.name, http.value, problems),
    noProxy: pick(env, 'no_proxy', 'NO_PROXY').value.trim(),
  };
}

/** Validates the outbound settings; `oidcCaPem` is the content of GATEHOUSE_OIDC_CA_FILE. */
export function validateOutbound(env: CleanedEnv, oidcCaPem: string | undefined, problems: string[]): OutboundSettings {
  checkPemBundle('GATEHOUSE_OIDC_CA_FILE', oidcCaPem, problems);
  return {
    oidcCaPem,
    connectTimeoutMs: env.GATEHOUSE_OUTBOUND_CONNECT_TIMEOUT,
    proxy: proxyVariables(env, problems),
  };
}
