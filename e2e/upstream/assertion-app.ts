/**
 * An upstream that trusts no identity header, only a verified X-Gatehouse-Assertion: it checks the
 * signature against gatehouse's published keys with jose (createRemoteJWKSet + jwtVerify), the
 * issuer, its own audience and the assertion's type, exactly as the README shows an app doing it.
 * It answers 200 with the verified claims as JSON, or 401 with why the assertion was refused.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** Where the app finds gatehouse and what it expects of an assertion. */
export interface AssertionAppOptions {
  /** gatehouse's JWKS, e.g. http://gatehouse.auth.svc:4180/.well-known/jwks.json. */
  readonly jwksUrl: string;
  /** gatehouse's GATEHOUSE_ASSERTION_ISSUER (by default its sign-in origin). */
  readonly issuer: string;
  /** This app's audience: its host, or the route's assertion_audience. */
  readonly audience: string;
}

/** A running app. */
export interface AssertionApp {
  readonly port: number;
  /** Verifies one header value as the app does for each request. */
  verify(header: string | string[] | undefined): Promise<JWTPayload>;
  close(): Promise<void>;
}

/**
 * Starts the app on a free loopback port.
 * @param settings - read at the first request, so the app can start before the gatehouse in front of it
 */
export async function startAssertionApp(settings: () => AssertionAppOptions): Promise<AssertionApp> {
  let ready: { options: AssertionAppOptions; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const verify = async (header: string | string[] | undefined): Promise<JWTPayload> => {
    if (typeof header !== 'string') throw new Error('no single X-Gatehouse-Assertion');
    if (ready === undefined) {
      const options = settings();
      // Fetched once, cached, and fetched again when an assertion names a key id it does not know.
      ready = { options, jwks: createRemoteJWKSet(new URL(options.jwksUrl)) };
    }
    const { options, jwks } = ready;
    const { payload } = await jwtVerify(header, jwks, {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'gatehouse-assertion+jwt',
      algorithms: ['ES256', 'EdDSA'],
    });
    return payload;
  };
  const server = createServer((req: IncomingMessage, res) => {
    verify(req.headers['x-gatehouse-assertion']).then(
      (payload) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload)),
      (err: unknown) => res.writeHead(401, { 'content-type': 'text/plain' }).end(`assertion refused: ${(err as Error).message}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    verify,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
