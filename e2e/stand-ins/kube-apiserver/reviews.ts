/**
 * The two review APIs of the kube-apiserver stand-in (not Kubernetes), answered as the API
 * reference documents them:
 * - TokenReview, https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-review-v1/
 *   — `spec.token` and `spec.audiences` in; `status.authenticated`, `status.user` (username, uid,
 *   groups, extra), `status.audiences` (the audiences the token was valid for, among those asked;
 *   the API server's own when none were asked) and `status.error` out. A token that does not
 *   authenticate is still a 201 with `authenticated` left out and an `error`, never an HTTP error.
 * - SubjectAccessReview, https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/subject-access-review-v1/
 *   — `spec.user`/`groups`/`uid`/`extra` with exactly one of `resourceAttributes` and
 *   `nonResourceAttributes`; `status.allowed` (and `reason`) out. An invalid spec is 422 Invalid.
 * Both are create-only, non-persisted resources: the API server answers 201 with the object as
 * sent (metadata `creationTimestamp: null`) plus its status.
 */
import { jwtVerify, type JWTPayload } from 'jose';
import { authorize, type Grant } from './rbac.ts';
import { statusFailure, type Answer } from './responses.ts';
import type { TokenSigner } from './service-account-tokens.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined);

/** The created object: what was sent, with the server's metadata and the status. */
function created(body: Json, status: Json): Answer {
  return { status: 201, body: { kind: body.kind, apiVersion: body.apiVersion, metadata: { creationTimestamp: null }, spec: body.spec, status } };
}

/** The user a verified ServiceAccount token stands for, as the API server's authenticator names it. */
export interface TokenUser {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** Verifies a ServiceAccount token for any of `audiences`; the user and the audiences it matched, or the error. */
export async function authenticateToken(signer: TokenSigner, token: string, audiences: readonly string[], now: number): Promise<{ user: TokenUser; audiences: string[] } | { error: string }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, signer.publicKey, { issuer: signer.issuer, algorithms: ['RS256'], currentDate: new Date(now) }));
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'invalid';
    const why = code === 'ERR_JWT_EXPIRED' ? 'service account token has expired' : 'square/go-jose: error in cryptographic primitive';
    return { error: `[invalid bearer token, ${why}]` };
  }
  const tokenAudiences = typeof payload.aud === 'string' ? [payload.aud] : (strings(payload.aud) ?? []);
  const matched = audiences.filter((audience) => tokenAudiences.includes(audience));
  if (matched.length === 0) {
    return { error: `[invalid bearer token, token audiences ${JSON.stringify(tokenAudiences)} is invalid for the target audiences ${JSON.stringify(audiences)}]` };
  }
  const claim = payload['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string; uid?: string }; pod?: { name?: string; uid?: string }; node?: { name?: string; uid?: string } } | undefined;
  const namespace = claim?.namespace;
  const name = claim?.serviceaccount?.name;
  if (namespace === undefined || name === undefined || payload.sub !== `system:serviceaccount:${namespace}:${name}`) {
    return { error: '[invalid bearer token, service account token claims could not be validated]' };
  }
  const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${String(payload.jti)}`] };
  if (claim?.pod?.name !== undefined) extra['authentication.kubernetes.io/pod-name'] = [claim.pod.name];
  if (claim?.pod?.uid !== undefined) extra['authentication.kubernetes.io/pod-uid'] = [claim.pod.uid];
  if (claim?.node?.name !== undefined) extra['authentication.kubernetes.io/node-name'] = [claim.node.name];
  return {
    user: {
      username: payload.sub,
      uid: claim?.serviceaccount?.uid ?? '',
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      extra,
    },
    audiences: matched,
  };
}

/** Checks the object's apiVersion and kind as the API server's decoder does; a 400 when they are wrong. */
export function checkKind(body: Json, apiVersion: string, kind: string): Answer | undefined {
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    return statusFailure(400, 'BadRequest', `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (body.kind !== undefined && body.kind !== kind) {
    return statusFailure(400, 'BadRequest', `${String(body.kind)} in version "${apiVersion.split('/')[1]}" cannot be handled as a ${kind}: no kind "${String(body.kind)}" is registered for version "${apiVersion}"`);
  }
  return undefined;
}

/** Answers a TokenReview. */
export async function reviewToken(body: Json, signer: TokenSigner, apiAudiences: readonly string[], now: number, revoked: ReadonlySet<string>): Promise<Answer> {
  const wrong = checkKind(body, 'authentication.k8s.io/v1', 'TokenReview');
  if (wrong) return wrong;
  const spec = isObject(body.spec) ? body.spec : {};
  if (typeof spec.token !== 'string' || spec.token === '') return statusFailure(400, 'BadRequest', 'token is required for TokenReview in authentication.k8s.io');
  const asked = strings(spec.audiences) ?? [];
  const audiences = asked.length > 0 ? asked : [...apiAudiences];
  const result = revoked.has(spec.token)
    ? { error: '[invalid bearer token, service account token has been invalidated]' }
    : await authenticateToken(signer, spec.token, audiences, now);
  if ('error' in result) return created(body, { user: {}, error: result.error });
  return created(body, { authenticated: true, user: result.user, audiences: result.audiences });
}

/** Answers a SubjectAccessReview with the stand-in's grants. */
export function reviewAccess(body: Json, grants: readonly Grant[]): Answer {
  const wrong = checkKind(body, 'authorization.k8s.io/v1', 'SubjectAccessReview');
  if (wrong) return wrong;
  const spec = isObject(body.spec) ? body.spec : {};
  const user = typeof spec.user === 'string' ? spec.user : '';
  const groups = strings(spec.groups) ?? [];
  const resource = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  const invalid: string[] = [];
  if ((resource === undefined) === (nonResource === undefined)) {
    invalid.push('spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  if (user === '' && groups.length === 0) invalid.push('spec.user: Invalid value: "": at least one of user or group must be specified');
  if (invalid.length > 0) {
    return statusFailure(422, 'Invalid', `SubjectAccessReview.authorization.k8s.io "" is invalid: [${invalid.join(', ')}]`, { group: 'authorization.k8s.io', kind: 'SubjectAccessReview' });
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const attributes = resource ?? nonResource ?? {};
  const allowed = authorize(grants, {
    user,
    groups,
    verb: text(attributes.verb),
    ...(resource && {
      resource: { group: text(resource.group), resource: text(resource.resource), subresource: text(resource.subresource), namespace: text(resource.namespace), name: text(resource.name) },
    }),
    ...(nonResource && { path: text(nonResource.path) }),
  });
  return created(body, allowed ? { allowed: true, reason: 'RBAC: allowed by the stand-in\'s grants' } : { allowed: false });
}
