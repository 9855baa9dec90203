/**
 * A loopback stand-in for an OpenID Provider's JWKS and userinfo endpoints, for the Bearer tests:
 * it counts calls, serves a chosen key set and answers userinfo from a table.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { BearerResult } from '../../src/sources/bearer/bearer-types.ts';

/** A signing key and its public JWK. */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

/** A userinfo answer: status and JSON body (or raw text). */
export interface UserinfoAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** The running stand-in. */
export interface TestIdp {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly userinfoUrl: string;
  readonly calls: { jwks: number; userinfo: number };
  /** What the JWKS endpoint answers; a number answers that status. */
  jwks: { keys: JWK[] } | number;
  /** Userinfo answers by token; unknown tokens get 401. */
  readonly userinfo: Map<string, UserinfoAnswer>;
  close(): Promise<void>;
}

/** Generates a key with a `kid`. */
export async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** Signs `claims` with `key`. */
export function sign(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Starts the stand-in on a free loopback port. */
export async function startTestIdp(keys: readonly TestKey[]): Promise<TestIdp> {
  const state = {
    calls: { jwks: 0, userinfo: 0 },
    jwks: { keys: keys.map((key) => key.jwk) } as { keys: JWK[] } | number,
    userinfo: new Map<string, UserinfoAnswer>(),
  };
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      state.calls.jwks++;
      const answer = state.jwks;
      res.writeHead(typeof answer === 'number' ? answer : 200, { 'content-type': 'application/json' });
      res.end(typeof answer === 'number' ? '{}' : JSON.stringify(answer));
      return;
    }
    if (req.url === '/userinfo') {
      state.calls.userinfo++;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const answer = state.userinfo.get(token) ?? { status: 401, body: { error: 'invalid_token' } };
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}));
      return;
    }
    res.writeHead(404).end();
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    issuer: `${base}/issuer`,
    jwksUri: `${base}/jwks`,
    userinfoUrl: `${base}/userinfo`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A loopback URL nothing listens on: a server is started and closed to free its port. */
export async function deadUrl(path: string): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

/** The current time in seconds, as JWT claims count it. */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** `ok` or the failure reason, for compact assertions. */
export function reasonOf(result: BearerResult): string {
  return result.ok ? 'ok' : result.reason;
}
