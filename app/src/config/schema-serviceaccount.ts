/**
 * Environment variables of the serviceaccount identity source: Kubernetes ServiceAccount tokens
 * proven by the Kubernetes API's TokenReview, and the SubjectAccessReviews of named policies. In
 * a pod the API server, its CA and gatehouse's own token come from where Kubernetes puts them;
 * the explicit settings are for running outside a cluster (and for tests).
 */
import { str } from 'envalid';
import { commaList, duration } from './validators.ts';

/** Where the kubelet mounts a pod's ServiceAccount token and the cluster CA. */
export const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The envalid specification of the serviceaccount variables. */
export const SERVICEACCOUNT_SCHEMA = {
  GATEHOUSE_SERVICEACCOUNT_AUDIENCE: str({
    desc: 'serviceaccount source: the audience a ServiceAccount token must be issued for (the audience of its serviceAccountToken projected volume); TokenReview checks it and must confirm it',
    example: 'gatehouse',
    default: undefined,
  }),
  GATEHOUSE_SERVICEACCOUNT_ISSUERS: commaList({
    desc: "serviceaccount source: the cluster's ServiceAccount token issuer(s) (the API server's --service-account-issuer). Only a Bearer JWT whose unverified iss is one of them is sent to TokenReview; with bearer or introspection also configured, that iss is how a token is routed to this source",
    default: ['https://kubernetes.default.svc.cluster.local'],
    example: 'https://kubernetes.default.svc.cluster.local',
  }),
  GATEHOUSE_SERVICEACCOUNT_CACHE_TTL: duration({
    desc: "serviceaccount source: how long a TokenReview answer is remembered, by the token's SHA-256 (never the token), and never past the token's own exp; at most 5m",
    default: 30_000,
    example: '30s',
  }),
  GATEHOUSE_KUBERNETES_API_URL: str({
    desc: 'The Kubernetes API server for TokenReview and SubjectAccessReview, https only; empty: in the cluster, from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT',
    default: '',
    example: 'https://kubernetes.default.svc',
  }),
  GATEHOUSE_KUBERNETES_CA_FILE: str({
    desc: `PEM bundle of the CA that signs the Kubernetes API server certificate; empty: ${IN_CLUSTER_DIR}/ca.crt in the cluster, the system CAs with GATEHOUSE_KUBERNETES_API_URL`,
    default: '',
  }),
  GATEHOUSE_KUBERNETES_TOKEN_FILE: str({
    desc: `gatehouse's own token for the Kubernetes API (sent as Bearer), read again every minute and at once when the API refuses it, so a rotated projected token is picked up; empty: ${IN_CLUSTER_DIR}/token`,
    default: '',
  }),
  GATEHOUSE_KUBERNETES_TIMEOUT: duration({
    desc: 'Upper bound of each call to the Kubernetes API (connection, TLS and answer); beyond it the check answers 503',
    default: 3000,
    example: '3s',
  }),
  GATEHOUSE_KUBERNETES_ACCESS_CACHE_TTL: duration({
    desc: 'How long a SubjectAccessReview answer (a named policy\'s kubernetes_access) is remembered per user, groups and attributes; at most 5m',
    default: 10_000,
    example: '10s',
  }),
  KUBERNETES_SERVICE_HOST: str({ desc: 'Set by Kubernetes in every pod: the API server address, used when GATEHOUSE_KUBERNETES_API_URL is empty', default: '' }),
  KUBERNETES_SERVICE_PORT: str({ desc: 'Set by Kubernetes in every pod: the API server port', default: '' }),
};
