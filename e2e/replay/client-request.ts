/**
 * What a client sends to a proxy, and what each side ends up with after the proxy has asked
 * gatehouse: the check request exactly as the proxy wrote it, gatehouse's answer, and then either
 * the answer the client receives (a denial, which the proxy hands over) or the request the
 * upstream app receives (an allow). Tests assert on the client's and the upstream's view.
 */
import type { RawHeader, RawRequest, RawResponse } from './raw-http.ts';

/** The client's request to the proxy. */
export interface ClientRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** The Host the client sent (authority, with an optional port). */
  readonly host: string;
  /** Path and query as the client sent them. */
  readonly uri: string;
  /** The client's headers other than Host, names as the client wrote them. */
  readonly headers: readonly RawHeader[];
  readonly body?: string;
  /** The client's address as the proxy's socket sees it. */
  readonly clientIp: string;
}

/** The answer the client receives. */
export interface ClientView {
  readonly status: number;
  readonly headers: readonly RawHeader[];
  readonly body: string;
}

/** The request the upstream app receives. */
export interface UpstreamView {
  readonly method: string;
  readonly uri: string;
  readonly headers: readonly RawHeader[];
}

/** One replayed request: what went to gatehouse, what came back, and where it led. */
export interface Replay {
  readonly check: RawRequest;
  readonly auth: RawResponse;
  /** Set when the proxy answered the client itself (anything but an allow). */
  readonly client: ClientView | undefined;
  /** Set when the proxy let the request through. */
  readonly upstream: UpstreamView | undefined;
}

/** A proxy under replay: sends the check for `request` to gatehouse and applies the answer. */
export type ReplayProxy = (request: ClientRequest) => Promise<Replay>;

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The headers a browser sends for a top-level navigation (Chromium's set, trimmed). */
export function navigationHeaders(cookie?: string): RawHeader[] {
  return [
    ['User-Agent', USER_AGENT],
    ['Accept', BROWSER_ACCEPT],
    ['Accept-Language', 'en-GB,en;q=0.9'],
    ['Sec-Fetch-Mode', 'navigate'],
    ['Sec-Fetch-Dest', 'document'],
    ...(cookie === undefined ? [] : [['Cookie', cookie] as RawHeader]),
  ];
}

/** The headers of a page script's fetch() (Sec-Fetch-Mode cors, JSON wanted). */
export function fetchHeaders(cookie?: string): RawHeader[] {
  return [
    ['User-Agent', USER_AGENT],
    ['Accept', 'application/json'],
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Dest', 'empty'],
    ...(cookie === undefined ? [] : [['Cookie', cookie] as RawHeader]),
  ];
}

/** The headers of a jQuery-style XMLHttpRequest, which says so in X-Requested-With. */
export function xhrHeaders(cookie?: string): RawHeader[] {
  return [
    ['User-Agent', USER_AGENT],
    ['Accept', '*/*'],
    ['X-Requested-With', 'XMLHttpRequest'],
    ...(cookie === undefined ? [] : [['Cookie', cookie] as RawHeader]),
  ];
}

/** A client request to app.localtest (an allowed redirect domain in the test harness). */
export function clientRequest(uri: string, headers: readonly RawHeader[], extra: Partial<ClientRequest> = {}): ClientRequest {
  return { method: 'GET', scheme: 'https', host: 'app.localtest', uri, headers, clientIp: '203.0.113.7', ...extra };
}

/** The identity headers gatehouse sets, lower-cased, as the proxy configurations copy them upstream. */
export const IDENTITY_HEADERS: readonly string[] = Object.freeze([
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'x-auth-request-roles',
]);
