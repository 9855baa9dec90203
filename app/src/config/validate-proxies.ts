/**
 * The proxy part of the configuration: the sign-in URL browsers are sent to, and the proxies
 * trusted to describe the original request. Every problem is appended naming its variable.
 */
import { compileUpstreamTrust } from '../http/upstream-trust.ts';
import type { LoginSettings, ProxySettings } from './config.ts';
import type { CleanedEnv } from './schema.ts';

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

function signinUrl(raw: string, login: LoginSettings | undefined, problems: string[]): URL | undefined {
  // With callbacks per host, a browser is sent to /oauth2/start on its own host.
  if (!raw) return login?.redirectUrl ? new URL('/oauth2/start', login.redirectUrl) : undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`GATEHOUSE_SIGNIN_URL: "${raw}" is not an absolute URL (e.g. https://auth.example.com/oauth2/start)`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('GATEHOUSE_SIGNIN_URL must be an http(s) URL');
  // rd is appended to it; a query or fragment of its own would be ambiguous.
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) problems.push('GATEHOUSE_SIGNIN_URL must have no query or fragment: ?rd= is added');
  if (url.username || url.password) problems.push('GATEHOUSE_SIGNIN_URL must not hold credentials');
  if (!login) problems.push('GATEHOUSE_SIGNIN_URL is set but browser sign-in is not configured (GATEHOUSE_AUTH_PROVIDER=login)');
  return url;
}

/** Builds the proxy settings. */
export function validateProxies(env: CleanedEnv, login: LoginSettings | undefined, problems: string[]): ProxySettings {
  const header = env.GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER;
  if (!HEADER_NAME.test(header)) problems.push('GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER must be a header name (letters, digits, -)');
  const values = env.GATEHOUSE_TRUSTED_PROXY_SECRET.split(',').map((v) => v.trim()).filter(Boolean);
  const secret = values.length > 0 ? { header, values } : undefined;
  // Compiled here only to report bad networks and short secrets with the other problems.
  compileUpstreamTrust(env.GATEHOUSE_TRUSTED_PROXY_SOURCES, secret, { sources: 'GATEHOUSE_TRUSTED_PROXY_SOURCES', secret: 'GATEHOUSE_TRUSTED_PROXY_SECRET' }, problems);
  return { signinUrl: signinUrl(env.GATEHOUSE_SIGNIN_URL, login, problems), trust: { sources: env.GATEHOUSE_TRUSTED_PROXY_SOURCES, secret } };
}
