/**
 * Environment variables of cookie keys kept in a Kubernetes Secret that gatehouse reads through the
 * API and creates when it is missing, so no tool has to generate keys (and `helm template`-based
 * GitOps never regenerates them). The API is reached as GATEHOUSE_KUBERNETES_* say (in the cluster
 * by default).
 */
import { str } from 'envalid';
import { duration } from './validators.ts';

/** The envalid specification of the variables. */
export const COOKIE_KUBERNETES_SCHEMA = {
  GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: str({
    desc: "Name of a Secret in gatehouse's namespace holding the cookie keys under cookie-secret (comma-separated base64 keys, the first seals, all unseal); read through the Kubernetes API at start-up and created with a new key when missing (the replicas that lose the race read the winner's), then read again every GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL so a key added to it applies without a restart. Replaces GATEHOUSE_COOKIE_SECRET; needs get on that Secret and create on secrets (the chart's cookie.fromKubernetes)",
    default: '',
    example: 'gatehouse-cookie-keys',
  }),
  GATEHOUSE_KUBERNETES_NAMESPACE: str({
    desc: "gatehouse's namespace, where the cookie keys' Secret is; empty: the pod's own, from /var/run/secrets/kubernetes.io/serviceaccount/namespace",
    default: '',
    example: 'auth',
  }),
  GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL: duration({
    desc: "How often the cookie keys' Secret is read again for rotation (1s to 10m)",
    default: 10_000,
    example: '10s',
  }),
};
