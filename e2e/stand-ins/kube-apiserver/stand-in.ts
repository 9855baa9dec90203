/**
 * A stand-in for the Kubernetes API server's TokenReview and SubjectAccessReview endpoints — not
 * Kubernetes; no cluster can run where the tests run. It serves
 * `POST /apis/authentication.k8s.io/v1/tokenreviews` and
 * `POST /apis/authorization.k8s.io/v1/subjectaccessreviews` over TLS with a private CA, as the
 * API reference documents them (see reviews.ts), and treats its callers as the API server does:
 * the caller's own Bearer token (a ServiceAccount token for the API server's audience, as a pod's
 * in-cluster client sends) is authenticated first — missing or refused is 401 `Unauthorized` —
 * then authorized by RBAC-style grants — lacking `create` on the review resource is 403 with a
 * `Status` object. A body that is not JSON of the right kind is 400. ServiceAccount tokens are
 * real JWTs signed by the key the stand-in holds. It counts the reviews it answers, and a test
 * can make it fail (a status, a delay), stop listening and come back on the same port, or revoke a
 * token (as a bound token is invalidated when its pod is deleted).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { authorize, type Grant } from './rbac.ts';
import { createSecretsApi, SECRETS_PATH, type SecretsApi } from './secrets-api.ts';
import { authenticateToken, reviewAccess, reviewToken } from './reviews.ts';
import { send, statusFailure, UNAUTHORIZED, forbidden, type Answer } from './responses.ts';
import type { TokenSigner } from './service-account-tokens.ts';

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const MAX_BODY = 3 * 1024 * 1024;

/** Options of {@link startKubeApiServerStandIn}. */
export interface KubeApiServerStandInOptions {
  readonly tls: { readonly cert: string; readonly key: string };
  readonly signer: TokenSigner;
  /** `--api-audiences`: the audiences a caller's token must have; default the issuer. */
  readonly apiAudiences?: readonly string[];
  /** RBAC: who may create reviews, and what SubjectAccessReviews find allowed. */
  readonly grants: readonly Grant[];
}

/** A fault the next review requests meet; `times` undefined means until cleared. */
export type KubeFault = { readonly times?: number } & ({ readonly kind: 'status'; readonly status: number } | { readonly kind: 'delay'; readonly ms: number });

/** A running stand-in. */
export interface KubeApiServerStandIn {
  readonly url: string;
  /** TokenReviews answered with a review (not refused callers or faults). */
  readonly tokenReviews: number;
  readonly accessReviews: number;
  /** Every request's path and status, in order. */
  readonly requestLog: readonly { readonly path: string; readonly status: number }[];
  /** The core/v1 Secrets (secrets-api.ts), authorized by the same grants. */
  readonly secrets: SecretsApi;
  setFault(fault: KubeFault | undefined): void;
  /** Refuses this token from now on, as the API server refuses a bound token whose pod was deleted. */
  revoke(token: string): void;
  /** Stops listening (connections are refused) until `resume`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<{ value: Record<string, unknown> } | { problem: Answer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { problem: statusFailure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728') };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: value as Record<string, unknown> };
  } catch {
    // Answered below, as the API server's decoder does.
  }
  const why = text.length === 0 ? 'unexpected end of JSON input' : 'invalid character looking for beginning of value';
  return { problem: statusFailure(400, 'BadRequest', `couldn't get version/kind; json parse error: ${why}`) };
}

/** Starts the stand-in on a free loopback port. */
export async function startKubeApiServerStandIn(options: KubeApiServerStandInOptions): Promise<KubeApiServerStandIn> {
  const { signer, grants } = options;
  const apiAudiences = options.apiAudiences ?? [signer.issuer];
  const requestLog: { path: string; status: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let tokenReviews = 0;
  let accessReviews = 0;
  let fault: KubeFault | undefined;
  let faultUses = 0;
  const revoked = new Set<string>();
  const secrets = createSecretsApi(grants);

  const takeFault = (): KubeFault | undefined => {
    const current = fault;
    if (current === undefined) return undefined;
    faultUses += 1;
    if (current.times !== undefined && faultUses >= current.times) fault = undefined;
    return current;
  };

  const route = async (req: IncomingMessage, path: string): Promise<Answer> => {
    if (SECRETS_PATH.test(path)) {
      // The Secrets API authenticates its callers as the reviews below do.
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const user = token === undefined || revoked.has(token) ? undefined : await authenticateToken(signer, token, apiAudiences, Date.now());
      if (user === undefined || 'error' in user) return UNAUTHORIZED;
      return secrets.answer(req, path, { user: user.user.username, groups: user.user.groups }, () => readBody(req));
    }
    if (path !== TOKEN_REVIEWS && path !== ACCESS_REVIEWS) return statusFailure(404, 'NotFound', 'the server could not find the requested resource');
    // Authentication first: the caller's Bearer token, as a pod's in-cluster client sends it.
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const caller = bearer === undefined || revoked.has(bearer) ? undefined : await authenticateToken(signer, bearer, apiAudiences, Date.now());
    if (caller === undefined || 'error' in caller) return UNAUTHORIZED;
    if (req.method !== 'POST') return statusFailure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const [group, resource] = path === TOKEN_REVIEWS ? ['authentication.k8s.io', 'tokenreviews'] : ['authorization.k8s.io', 'subjectaccessreviews'];
    const { username, groups } = caller.user;
    if (!authorize(grants, { user: username, groups, verb: 'create', resource: { group, resource, subresource: '', namespace: '', name: '' } })) {
      return forbidden(username, resource, group);
    }
    const injected = takeFault();
    if (injected?.kind === 'status') return statusFailure(injected.status, 'InternalError', `stand-in fault: status ${injected.status}`);
    if (injected?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => timers.delete(timer) && resolve(), injected.ms);
        timers.add(timer);
      });
    }
    const read = await readBody(req);
    if ('problem' in read) return read.problem;
    const body = read.value;
    if (path === TOKEN_REVIEWS) {
      const answer = await reviewToken(body, signer, apiAudiences, Date.now(), revoked);
      if (answer.status === 201) tokenReviews += 1;
      return answer;
    }
    const answer = reviewAccess(body, grants);
    if (answer.status === 201) accessReviews += 1;
    return answer;
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'https://stand-in').pathname;
    route(req, path)
      .then((answer) => {
        requestLog.push({ path, status: answer.status });
        if (!res.destroyed) send(res, answer);
      })
      .catch((error: unknown) => {
        requestLog.push({ path, status: 500 });
        if (!res.headersSent) send(res, statusFailure(500, 'InternalError', String(error)));
        else res.destroy();
      });
  };

  let server: Server = createServer({ ...options.tls }, listener);
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    get tokenReviews() {
      return tokenReviews;
    },
    get accessReviews() {
      return accessReviews;
    },
    requestLog,
    secrets,
    revoke: (token) => void revoked.add(token),
    setFault(next) {
      fault = next;
      faultUses = 0;
    },
    pause: stop,
    async resume() {
      server = createServer({ ...options.tls }, listener);
      await listen(port);
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
