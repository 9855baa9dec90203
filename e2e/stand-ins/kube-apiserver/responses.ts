/**
 * How the kube-apiserver stand-in (not Kubernetes) writes answers: JSON objects, and failures as
 * the API's `Status` kind (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/):
 * `status: Failure`, a `reason` (Unauthorized, Forbidden, BadRequest, Invalid, …), a `message`
 * worded as the API server words it, `details` and the HTTP `code`.
 */
import type { ServerResponse } from 'node:http';

/** One answer: status and JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: object;
}

/** A `Status` object for a failed request. */
export function statusFailure(code: number, reason: string, message: string, details?: object): Answer {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code },
  };
}

/** The 401 for a missing or refused caller token; the API server says no more than this. */
export const UNAUTHORIZED: Answer = statusFailure(401, 'Unauthorized', 'Unauthorized');

/** The 403 RBAC gives a caller that may not create the resource, worded as the API server words it. */
export function forbidden(user: string, resource: string, group: string): Answer {
  const message = `${resource}.${group} is forbidden: User "${user}" cannot create resource "${resource}" in API group "${group}" at the cluster scope`;
  return statusFailure(403, 'Forbidden', message, { group, kind: resource });
}

/** Writes an answer. */
export function send(res: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}
