/**
 * Attribute values a span may carry, built so that none holds a secret: paths without their query
 * (a query can carry a code, a token or a state), Elasticsearch paths with the user name replaced by
 * its template, host and port from the Host header. Values gatehouse never records: tokens,
 * cookies, passwords, keys of the session store, and the user unless GATEHOUSE_TRACING_RECORD_USER.
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * The method as http.request.method takes it: one HTTP defines, or `_OTHER` (the original then
 * goes in http.request.method_original), so span names and values stay few.
 */
export function knownMethod(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : '_OTHER';
}

/** `url` (a request target such as `/oauth2/callback?code=…`) up to its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** server.address and server.port of a Host header (`app.example.com:8443`, `[::1]:4180`). */
export function hostAttributes(host: string | undefined): Attributes {
  if (host === undefined || host === '') return {};
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return {};
  const address = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  return match[2] === undefined ? { [ATTR_SERVER_ADDRESS]: address } : { [ATTR_SERVER_ADDRESS]: address, [ATTR_SERVER_PORT]: Number(match[2]) };
}

/** server.address and server.port of an origin (`https://idp.example.com`), the port implied by the scheme. */
export function originAttributes(origin: URL): Attributes {
  const port = origin.port === '' ? (origin.protocol === 'https:' ? 443 : 80) : Number(origin.port);
  return { [ATTR_SERVER_ADDRESS]: origin.hostname.replace(/^\[(.*)\]$/, '$1'), [ATTR_SERVER_PORT]: port };
}

// The words of the Elasticsearch APIs gatehouse calls; any other segment names a user, realm or id.
const ELASTICSEARCH_WORDS = new Set(['user', 'oidc', 'prepare', 'authenticate', 'logout', 'oauth2', 'token']);

/**
 * An Elasticsearch path as a template: `/_security/user/alice/_disable` is
 * `/_security/user/{name}/_disable`. Segments that are not API words become `{name}`, so a user
 * name (often an email address) never reaches a span.
 */
export function elasticsearchTemplate(path: string): string {
  return pathOf(path)
    .split('/')
    .map((segment) => (segment === '' || segment.startsWith('_') || ELASTICSEARCH_WORDS.has(segment) ? segment : '{name}'))
    .join('/');
}
