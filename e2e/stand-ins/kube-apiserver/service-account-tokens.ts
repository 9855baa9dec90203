/**
 * ServiceAccount tokens for the kube-apiserver stand-in (not Kubernetes): real RS256-signed JWTs
 * shaped like the projected tokens the kubelet mounts from a `serviceAccountToken` volume
 * (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens):
 * `iss`, `aud`, `sub: system:serviceaccount:<ns>:<name>`, `iat`/`nbf`/`exp`, `jti` and the
 * private `kubernetes.io` claim naming the namespace, ServiceAccount, pod and node.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The cluster's default issuer (`--service-account-issuer`) on a kubeadm cluster. */
export const CLUSTER_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** One ServiceAccount a token is issued for. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** What a token is issued with. */
export interface TokenRequest extends ServiceAccountRef {
  readonly audiences: readonly string[];
  /** Seconds from now; negative for an already expired token. Default 3600. */
  readonly expiresInSec?: number;
  /** The pod the token is bound to; default `<name>-7d9f8`. */
  readonly pod?: string;
  readonly issuer?: string;
}

/** A signing key: the API server's `--service-account-signing-key-file`. */
export interface TokenSigner {
  readonly issuer: string;
  readonly publicJwk: JWK;
  readonly publicKey: CryptoKey;
  /** The ServiceAccount's uid (stable per namespace/name), as the stand-in reports it. */
  uidOf(account: ServiceAccountRef): string;
  /** The pod's uid (stable per pod name). */
  podUidOf(namespace: string, pod: string): string;
  issue(request: TokenRequest): Promise<string>;
}

/** Creates a signer with a fresh key pair. */
export async function createTokenSigner(issuer = CLUSTER_ISSUER): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), alg: 'RS256', use: 'sig' };
  const kid = randomUUID();
  const uids = new Map<string, string>();
  const uid = (key: string): string => {
    let value = uids.get(key);
    if (value === undefined) uids.set(key, (value = randomUUID()));
    return value;
  };
  const uidOf = (account: ServiceAccountRef): string => uid(`sa/${account.namespace}/${account.name}`);
  const podUidOf = (namespace: string, pod: string): string => uid(`pod/${namespace}/${pod}`);
  return {
    issuer,
    publicJwk,
    publicKey,
    uidOf,
    podUidOf,
    async issue(request) {
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = request.expiresInSec ?? 3600;
      const pod = request.pod ?? `${request.name}-7d9f8`;
      return new SignJWT({
        'kubernetes.io': {
          namespace: request.namespace,
          node: { name: 'node-1', uid: uid('node/node-1') },
          pod: { name: pod, uid: podUidOf(request.namespace, pod) },
          serviceaccount: { name: request.name, uid: uidOf(request) },
          warnafter: now + Math.floor(expiresIn * 0.8),
        },
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(request.issuer ?? issuer)
        .setSubject(`system:serviceaccount:${request.namespace}:${request.name}`)
        .setAudience([...request.audiences])
        .setIssuedAt(now - 1)
        .setNotBefore(now - 1)
        .setExpirationTime(now + expiresIn)
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}
