/**
 * The two Kubernetes API calls gatehouse makes, through @kubernetes/client-node's generated
 * clients: TokenReview (is this a ServiceAccount token for our audience, and whose?) and
 * SubjectAccessReview (may this ServiceAccount do that?). Authentication is gatehouse's own
 * token file (re-read as it rotates); one undici dispatcher carries the API's CA, the egress
 * proxy rules and the timeouts, and every call is bounded as a whole by GATEHOUSE_KUBERNETES_TIMEOUT.
 * An API that cannot answer (down, 5xx, timeout, refusing gatehouse itself) is "unavailable":
 * the check answers 503, never 401 and never an allow.
 */
import type { RequestContext, SecurityAuthentication, V1SubjectAccessReviewSpec } from '@kubernetes/client-node';
import type { AppDeps } from '../../deps.ts';
import { createDispatcher } from '../../http/outbound/create-dispatcher.ts';
import { describeFailure } from '../../http/outbound/failure-cause.ts';
import { createApiTokenFile } from './api-token-file.ts';

/** The user a TokenReview vouched for, as the API named it. */
export interface ReviewedUser {
  readonly username: string;
  readonly uid: string | undefined;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** What a TokenReview said. */
export type TokenReviewAnswer =
  | { readonly kind: 'authenticated'; readonly user: ReviewedUser; readonly audiences: readonly string[] }
  | { readonly kind: 'refused'; readonly error: string | undefined }
  | { readonly kind: 'unavailable'; readonly detail: string };

/** What a SubjectAccessReview said. */
export type AccessReviewAnswer =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly reason: string | undefined }
  | { readonly kind: 'unavailable'; readonly detail: string };

/** The Kubernetes API as the serviceaccount source and named policies use it. */
export interface KubernetesApi {
  reviewToken(token: string, audiences: readonly string[]): Promise<TokenReviewAnswer>;
  reviewAccess(spec: V1SubjectAccessReviewSpec): Promise<AccessReviewAnswer>;
}

type Deps = Pick<AppDeps, 'config' | 'logger' | 'now' | 'tracing'>;
type Client = typeof import('@kubernetes/client-node');

/** A failure of one call, with the status when the API answered. */
function failure(err: unknown, client: Client | undefined): { status: number | undefined; detail: string } {
  if (client !== undefined && err instanceof client.ApiException) {
    const body = err.body as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? `: ${body.message.slice(0, 200)}` : '';
    return { status: err.code, detail: `status ${err.code}${message}` };
  }
  return { status: undefined, detail: describeFailure(err).cause };
}

function strings(value: unknown, max = 256): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string').slice(0, max) : [];
}

function extraOf(value: unknown): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  if (typeof value !== 'object' || value === null) return extra;
  for (const [name, values] of Object.entries(value).slice(0, 64)) extra[name] = strings(values, 64);
  return extra;
}

/** Creates the API client; the client library is loaded in the background, before the first call needs it. */
export function createKubernetesApi(deps: Deps): KubernetesApi {
  const settings = deps.config.serviceAccount;
  if (!settings) throw new Error('the Kubernetes API needs the serviceaccount settings (GATEHOUSE_SERVICEACCOUNT_*)');
  const { api } = settings;
  const log = deps.logger.child({ target: 'Kubernetes API' });
  const tokenFile = createApiTokenFile(api.tokenFile, deps.now);
  const direct = createDispatcher({ caPem: api.caPem, connectTimeoutMs: deps.config.outbound.connectTimeoutMs, timeoutMs: api.timeoutMs, proxy: deps.config.outbound.proxy });
  const dispatcher = deps.tracing ? deps.tracing.outbound(direct, 'kubernetes') : direct;
  const auth: SecurityAuthentication = {
    getName: () => 'gatehouse token file',
    async applySecurityAuthentication(context: RequestContext) {
      context.setHeaderParam('Authorization', `Bearer ${await tokenFile.token()}`);
      context.setDispatcher(dispatcher);
      context.setSignal(AbortSignal.timeout(api.timeoutMs));
    },
  };
  // Loading the generated clients takes a few hundred milliseconds: only deployments with this source pay it.
  const loaded = import('@kubernetes/client-node').then((client) => {
    const configuration = client.createConfiguration({ baseServer: new client.ServerConfiguration(api.url.origin, {}), authMethods: { default: auth } });
    return { client, authentication: new client.AuthenticationV1Api(configuration), authorization: new client.AuthorizationV1Api(configuration) };
  });
  loaded.catch((err: unknown) => log.error({ err }, 'cannot load @kubernetes/client-node'));

  /** Runs a call; when the API refuses gatehouse's own token, reads the file again and retries once if it changed. */
  const call = async <T>(what: string, send: (parts: Awaited<typeof loaded>) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; detail: string }> => {
    let client: Client | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const parts = await loaded;
        client = parts.client;
        return { ok: true, value: await send(parts) };
      } catch (err) {
        const { status, detail } = failure(err, client);
        if (status === 401 && attempt === 0 && (await tokenFile.reread())) continue;
        const hint = status === 401 ? ' (gatehouse\'s own token was refused)' : status === 403 ? ` (gatehouse may not create ${what}s: see the chart's RBAC)` : '';
        log.warn({ call: what, cause: `${detail}${hint}` }, 'Kubernetes API call failed');
        return { ok: false, detail: `${what}: ${detail}${hint}` };
      }
    }
    return { ok: false, detail: `${what}: refused` };
  };

  return {
    async reviewToken(token, audiences) {
      const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...audiences] } };
      const result = await call('TokenReview', ({ authentication }) => authentication.createTokenReview({ body }));
      if (!result.ok) return { kind: 'unavailable', detail: result.detail };
      const status = result.value.status;
      if (status?.authenticated !== true || typeof status.user?.username !== 'string') {
        return { kind: 'refused', error: typeof status?.error === 'string' ? status.error.slice(0, 200) : undefined };
      }
      const { user } = status;
      return {
        kind: 'authenticated',
        user: { username: status.user.username, uid: typeof user.uid === 'string' ? user.uid : undefined, groups: strings(user.groups), extra: extraOf(user.extra) },
        audiences: strings(status.audiences),
      };
    },
    async reviewAccess(spec) {
      const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
      const result = await call('SubjectAccessReview', ({ authorization }) => authorization.createSubjectAccessReview({ body }));
      if (!result.ok) return { kind: 'unavailable', detail: result.detail };
      const status = result.value.status;
      // "denied" wins over "allowed" (an authorizer may deny outright); no status at all is no answer.
      if (status === undefined) return { kind: 'unavailable', detail: 'SubjectAccessReview: the answer has no status' };
      if (status.allowed === true && status.denied !== true) return { kind: 'allowed' };
      return { kind: 'denied', reason: typeof status.reason === 'string' ? status.reason.slice(0, 200) : undefined };
    },
  };
}

const shared = new WeakMap<Deps['config'], KubernetesApi>();

/** The one API client of a process's configuration, shared by the source and the named policies. */
export function kubernetesApiFor(deps: Deps): KubernetesApi {
  let api = shared.get(deps.config);
  if (api === undefined) {
    api = createKubernetesApi(deps);
    shared.set(deps.config, api);
  }
  return api;
}
