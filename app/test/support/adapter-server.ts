/**
 * A proxy adapter served on a real loopback server over a stub pipeline outcome, and requests to
 * it with the headers exactly as given (Host included), for the adapter contract suite and the
 * adapters' own tests. Real sockets, so Node's header handling is the one production sees.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckOutcome } from '../../src/check/check-outcome.ts';
import type { Config } from '../../src/config/config.ts';
import type { RequestFacts } from '../../src/policy/named/request-facts.ts';
import { isRefusal, type AdapterDeps, type ProxyAdapter } from '../../src/proxies/proxy-adapter.ts';

/** A request to the adapter: method, path and query, and headers (a list value repeats the header, an empty list drops it). */
export interface FamilyRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** Settings every adapter is built with: a login provider, sign-in on auth.example.com, loopback trusted. */
export const CONTRACT_ENV: Readonly<Record<string, string>> = Object.freeze({
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's',
  GATEHOUSE_REDIRECT_URL: 'https://auth.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
  GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: '.example.com',
  GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.0/8,::1/128',
});

/** What the server saw of the last request. */
export interface Seen {
  refused: boolean;
  reason: string | undefined;
  facts: RequestFacts | undefined;
  threw: unknown;
  /** Whether anything had started reading the body once the answer was written. */
  bodyTouched: boolean;
}

/** An adapter served on 127.0.0.1, answering every request with the current stub outcome. */
export interface AdapterServer {
  outcome: CheckOutcome;
  seen: Seen | undefined;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `adapter` the way serveCheck does, over a stub outcome instead of the pipeline. */
export async function serveAdapter(adapter: ProxyAdapter, outcome: CheckOutcome): Promise<AdapterServer> {
  const state = { outcome, seen: undefined as Seen | undefined };
  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const seen: Seen = { refused: false, reason: undefined, facts: undefined, threw: undefined, bodyTouched: false };
    state.seen = seen;
    try {
      const read = adapter.read(req);
      if (isRefusal(read)) {
        Object.assign(seen, { refused: true, reason: read.reason });
        adapter.refuse(read, res);
      } else {
        seen.facts = read.facts();
        adapter.answer(state.outcome, read, req, res);
      }
    } catch (err) {
      seen.threw = err;
      if (!res.headersSent) res.writeHead(599);
      res.end();
    }
    seen.bodyTouched = req.readableFlowing !== null;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** An answer from the adapter server. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Sends `req` (Host only as given) and resolves with the answer; with `bodyLength`, announces a
 * body of that length, writes a few bytes of it and never finishes, so the answer must not wait.
 */
export function send(port: number, req: FamilyRequest, bodyLength?: number): Promise<Answer> {
  const headers: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) for (const v of typeof value === 'string' ? [value] : value) headers.push(name, v);
  if (bodyLength !== undefined) headers.push('Content-Length', String(bodyLength));
  return new Promise((resolve, reject) => {
    const out = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, setHost: false, agent: false, timeout: 3000 }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => void (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        out.destroy();
      });
    });
    out.on('timeout', () => out.destroy(new Error(`no answer to ${req.method} ${req.path.slice(0, 80)}`)));
    out.on('error', reject);
    if (bodyLength === undefined) out.end();
    else out.write('a few bytes');
  });
}

/** What an adapter is built from, for one config; its identity config never reloads here. */
export function adapterDeps(config: Config): AdapterDeps {
  return { config, identity: { current: () => config.identity } };
}
