/**
 * The two calls the cookie keys need from the Kubernetes API, through @kubernetes/client-node's
 * CoreV1Api: read the Secret, create it. Reached as the serviceaccount source reaches the API
 * (GATEHOUSE_KUBERNETES_*): gatehouse's own token file, re-read once when the API refuses it; one
 * undici dispatcher with the API's CA, the egress proxy rules and the timeouts; every call bounded
 * by GATEHOUSE_KUBERNETES_TIMEOUT. Secret values never reach a log line.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/
 */
import type { RequestContext, SecurityAuthentication } from '@kubernetes/client-node';
import type { Config } from '../../config/config.ts';
import type { CookieSecretSettings } from '../../config/validate-cookie-kubernetes.ts';
import { createDispatcher } from '../../http/outbound/create-dispatcher.ts';
import { describeFailure } from '../../http/outbound/failure-cause.ts';
import { createApiTokenFile } from '../../sources/serviceaccount/api-token-file.ts';

/** The key of the cookie keys in the Secret's data, as in the chart's own Secret. */
export const SECRET_KEY = 'cookie-secret';

/** What reading the Secret found. */
export type SecretRead =
  | { readonly kind: 'found'; readonly keysText: string | undefined; readonly resourceVersion: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly status: number | undefined; readonly detail: string };

/** What creating it did. */
export type SecretCreate = { readonly kind: 'created' } | { readonly kind: 'exists' } | { readonly kind: 'failed'; readonly status: number | undefined; readonly detail: string };

/** The Secret, as the cookie keys use it. */
export interface CookieSecretClient {
  read(): Promise<SecretRead>;
  /** Creates the Secret holding `keysText` (never replaces one: 409 is `exists`). */
  create(keysText: string): Promise<SecretCreate>;
}

type Client = typeof import('@kubernetes/client-node');

/** Creates the client; the client library is loaded on the first call. */
export function createCookieSecretClient(settings: CookieSecretSettings, config: Pick<Config, 'outbound'>, now: () => number): CookieSecretClient {
  const { api, name, namespace } = settings;
  const tokenFile = createApiTokenFile(api.tokenFile, now);
  const dispatcher = createDispatcher({ caPem: api.caPem, connectTimeoutMs: config.outbound.connectTimeoutMs, timeoutMs: api.timeoutMs, proxy: config.outbound.proxy });
  const auth: SecurityAuthentication = {
    getName: () => 'gatehouse token file',
    async applySecurityAuthentication(context: RequestContext) {
      context.setHeaderParam('Authorization', `Bearer ${await tokenFile.token()}`);
      context.setDispatcher(dispatcher);
      context.setSignal(AbortSignal.timeout(api.timeoutMs));
    },
  };
  let loaded: Promise<{ client: Client; core: InstanceType<Client['CoreV1Api']> }> | undefined;
  const load = () =>
    (loaded ??= import('@kubernetes/client-node').then((client) => {
      const configuration = client.createConfiguration({ baseServer: new client.ServerConfiguration(api.url.origin, {}), authMethods: { default: auth } });
      return { client, core: new client.CoreV1Api(configuration) };
    }));

  /** Runs a call; a refused own token is read again once, as the kubelet may just have rotated it. */
  const call = async <T>(send: (core: InstanceType<Client['CoreV1Api']>) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; status: number | undefined; detail: string }> => {
    for (let attempt = 0; ; attempt++) {
      let client: Client | undefined;
      try {
        const parts = await load();
        client = parts.client;
        return { ok: true, value: await send(parts.core) };
      } catch (err) {
        if (client !== undefined && err instanceof client.ApiException) {
          if (err.code === 401 && attempt === 0 && (await tokenFile.reread())) continue;
          const body = (typeof err.body === 'string' ? safeJson(err.body) : err.body) as { message?: unknown } | undefined;
          const message = typeof body?.message === 'string' ? `: ${body.message.slice(0, 200)}` : '';
          return { ok: false, status: err.code, detail: `status ${err.code}${message}` };
        }
        return { ok: false, status: undefined, detail: describeFailure(err).cause };
      }
    }
  };

  return {
    async read() {
      const result = await call((core) => core.readNamespacedSecret({ name, namespace }));
      if (!result.ok) return result.status === 404 ? { kind: 'missing' } : { kind: 'failed', status: result.status, detail: result.detail };
      const encoded = result.value.data?.[SECRET_KEY];
      return {
        kind: 'found',
        keysText: encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'),
        resourceVersion: result.value.metadata?.resourceVersion ?? '',
      };
    },
    async create(keysText) {
      const body = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/name': 'gatehouse', 'app.kubernetes.io/managed-by': 'gatehouse' },
          annotations: { 'gatehouse/purpose': `cookie keys under ${SECRET_KEY}: comma-separated base64, the first seals; add a key first to rotate` },
        },
        data: { [SECRET_KEY]: Buffer.from(keysText, 'utf8').toString('base64') },
      };
      const result = await call((core) => core.createNamespacedSecret({ namespace, body }));
      if (result.ok) return { kind: 'created' };
      return result.status === 409 ? { kind: 'exists' } : { kind: 'failed', status: result.status, detail: result.detail };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
