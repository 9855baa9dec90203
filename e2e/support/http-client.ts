import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Options of {@link httpRequest}. */
export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Socket inactivity timeout; default 10 s. */
  timeoutMs?: number;
  /** The local address to connect from (another loopback address, e.g. 127.0.0.2, is another client). */
  localAddress?: string;
}

/** A buffered HTTP response. */
export interface HttpResponse {
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  /** The `Set-Cookie` headers, one entry each. */
  setCookies: string[];
  body: string;
}

/**
 * Makes one plain-HTTP request and buffers the answer; never follows redirects.
 *
 * node:http rather than fetch, so that every header (Host, Cookie) goes out exactly as given and
 * a new connection is used each time (no pooled socket outlives a test).
 */
export function httpRequest(url: URL | string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:') return Promise.reject(new Error(`only http: URLs are supported: ${target.href}`));
  const headers: Record<string, string> = { ...options.headers };
  // Names under .localtest are test hosts on loopback (app1.localtest, …), as nginx's server_names
  // would be: connect to 127.0.0.1 and name the host in the Host header.
  const loopbackName = target.hostname.endsWith('.localtest');
  if (loopbackName && headers.host === undefined && headers.Host === undefined) headers.host = target.host;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        // URL keeps the brackets of an IPv6 literal; the socket layer wants the bare address.
        hostname: loopbackName ? '127.0.0.1' : target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port === '' ? 80 : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`response from ${target.href} exceeds ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'];
          resolve({
            url: target,
            status: res.statusCode ?? 0,
            headers: res.headers,
            setCookies: setCookie ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${options.method ?? 'GET'} ${target.href}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
