/**
 * The kube-apiserver stand-in's Secrets API (not Kubernetes): the core/v1 Secret endpoints as the
 * API reference documents them (https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/):
 * - `GET /api/v1/namespaces/{ns}/secrets/{name}`: 200 with the Secret, 404 `NotFound` Status;
 * - `POST /api/v1/namespaces/{ns}/secrets`: 201 with the created Secret (`stringData` merged into
 *   `data`, `type` Opaque by default), 409 `AlreadyExists` when the name is taken — creates are
 *   atomic, so of racing creators exactly one wins — 422 `Invalid` without a valid name, 400 for a
 *   namespace that differs from the path's or `data` that is not base64;
 * - `PUT /api/v1/namespaces/{ns}/secrets/{name}`: 200 with the replaced Secret; 409 `Conflict` when
 *   the body's `metadata.resourceVersion` is not the stored one (optimistic concurrency, API
 *   concepts "resource versions"), an unconditional update without one; 404 for a missing Secret.
 * Every request is authorized as RBAC authorizes it (verb get, create or update on `secrets` in
 * the namespace, `resourceNames` matched against the name — a create has none, which is why a
 * Role cannot narrow `create` by name); a refusal is the API server's 403 wording. A test can make
 * the next requests fail with a status, as an overloaded API server answers.
 */
import type { IncomingMessage } from 'node:http';
import { authorize, type Grant } from './rbac.ts';
import { statusFailure, type Answer } from './responses.ts';

/** A Secret as the stand-in stores it. */
export interface StoredSecret {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly resourceVersion: string;
    readonly creationTimestamp: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly type: string;
  /** base64 values, as the API serves them. */
  readonly data: Record<string, string>;
}

/** The Secrets of the stand-in, for tests to look at. */
export interface SecretsApi {
  /** Answers a request on a Secrets path, for an authenticated caller. */
  answer(req: IncomingMessage, path: string, caller: { readonly user: string; readonly groups: readonly string[] }, body: () => Promise<{ value: Record<string, unknown> } | { problem: Answer }>): Promise<Answer>;
  /** The stored Secret, or undefined. */
  get(namespace: string, name: string): StoredSecret | undefined;
  /** Requests answered per verb (get, create, update), refused ones included. */
  readonly calls: { get: number; create: number; update: number };
  /** The next `times` authorized requests are answered `status` (an overloaded or restarting API server). */
  fail(times: number, status: number): void;
}

/** `/api/v1/namespaces/{ns}/secrets` and `/api/v1/namespaces/{ns}/secrets/{name}`. */
export const SECRETS_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;

// RFC 1123 DNS subdomain, as metadata.name of a Secret must be.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const notFound = (name: string): Answer => statusFailure(404, 'NotFound', `secrets "${name}" not found`, { name, kind: 'secrets' });

function forbidden(user: string, verb: string, namespace: string, name: string): Answer {
  const what = name === '' ? 'secrets' : `secrets "${name}"`;
  return statusFailure(403, 'Forbidden', `${what} is forbidden: User "${user}" cannot ${verb} resource "secrets" in API group "" in the namespace "${namespace}"`, {
    ...(name !== '' && { name }),
    kind: 'secrets',
  });
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === 'string') ? Object.fromEntries(entries as [string, string][]) : undefined;
}

/** The data of a written Secret: `data` checked as base64, `stringData` encoded over it (API semantics). */
function dataOf(body: Record<string, unknown>): { readonly data: Record<string, string> } | { readonly problem: Answer } {
  const data = stringMap(body.data);
  const stringData = stringMap(body.stringData);
  if (data === undefined || stringData === undefined) {
    return { problem: statusFailure(400, 'BadRequest', 'Secret in version "v1" cannot be handled as a Secret: data and stringData must map keys to strings') };
  }
  for (const value of Object.values(data)) {
    if (!BASE64.test(value)) return { problem: statusFailure(400, 'BadRequest', 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0') };
  }
  const merged = { ...data };
  for (const [key, value] of Object.entries(stringData)) merged[key] = Buffer.from(value, 'utf8').toString('base64');
  return { data: merged };
}

/** Creates the Secrets API over `grants`. */
export function createSecretsApi(grants: readonly Grant[]): SecretsApi {
  const secrets = new Map<string, StoredSecret>();
  let version = 1000;
  let uid = 0;
  const calls = { get: 0, create: 0, update: 0 };
  let failing = { times: 0, status: 503 };
  const key = (namespace: string, name: string): string => `${namespace}/${name}`;

  const store = (namespace: string, name: string, body: Record<string, unknown>, data: Record<string, string>, previous: StoredSecret | undefined): StoredSecret => {
    const metadata = (body.metadata ?? {}) as Record<string, unknown>;
    const labels = stringMap(metadata.labels);
    const annotations = stringMap(metadata.annotations);
    version += 1;
    const secret: StoredSecret = {
      metadata: {
        name,
        namespace,
        uid: previous?.metadata.uid ?? `00000000-0000-4000-8000-${String((uid += 1)).padStart(12, '0')}`,
        resourceVersion: String(version),
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        ...(labels && Object.keys(labels).length > 0 && { labels }),
        ...(annotations && Object.keys(annotations).length > 0 && { annotations }),
      },
      type: typeof body.type === 'string' && body.type !== '' ? body.type : (previous?.type ?? 'Opaque'),
      data,
    };
    secrets.set(key(namespace, name), secret);
    return secret;
  };
  const served = (secret: StoredSecret): object => ({ kind: 'Secret', apiVersion: 'v1', ...secret });

  return {
    calls,
    fail: (times, status) => void (failing = { times, status }),
    get: (namespace, name) => secrets.get(key(namespace, name)),
    async answer(req, path, caller, body) {
      const match = SECRETS_PATH.exec(path) as RegExpExecArray;
      const namespace = decodeURIComponent(match[1] as string);
      const name = match[2] === undefined ? '' : decodeURIComponent(match[2]);
      const method = req.method ?? 'GET';
      const verb = method === 'GET' && name !== '' ? 'get' : method === 'POST' && name === '' ? 'create' : method === 'PUT' && name !== '' ? 'update' : undefined;
      if (verb === undefined) return statusFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      calls[verb] += 1;
      const resource = { group: '', resource: 'secrets', subresource: '', namespace, name };
      if (!authorize(grants, { user: caller.user, groups: caller.groups, verb, resource })) return forbidden(caller.user, verb, namespace, name);
      if (failing.times > 0) {
        failing.times -= 1;
        return statusFailure(failing.status, failing.status === 503 ? 'ServiceUnavailable' : 'InternalError', `stand-in fault: status ${failing.status}`);
      }
      if (verb === 'get') {
        const secret = secrets.get(key(namespace, name));
        return secret === undefined ? notFound(name) : { status: 200, body: served(secret) };
      }
      const read = await body();
      if ('problem' in read) return read.problem;
      const metadata = (read.value.metadata ?? {}) as Record<string, unknown>;
      if (read.value.kind !== undefined && read.value.kind !== 'Secret') return statusFailure(400, 'BadRequest', `the object provided is unrecognized (must be of type Secret)`);
      if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
        return statusFailure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      const written = dataOf(read.value);
      if ('problem' in written) return written.problem;
      const objectName = typeof metadata.name === 'string' ? metadata.name : '';
      if (verb === 'create') {
        if (objectName === '' || !NAME.test(objectName) || objectName.length > 253) {
          return statusFailure(422, 'Invalid', `Secret "${objectName}" is invalid: metadata.name: ${objectName === '' ? 'Required value: name or generateName is required' : 'Invalid value: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\''}`, {
            name: objectName,
            kind: 'Secret',
          });
        }
        // Map access is atomic here: of racing creates, the first wins and the rest meet 409.
        if (secrets.has(key(namespace, objectName))) return statusFailure(409, 'AlreadyExists', `secrets "${objectName}" already exists`, { name: objectName, kind: 'secrets' });
        return { status: 201, body: served(store(namespace, objectName, read.value, written.data, undefined)) };
      }
      if (objectName !== name) return statusFailure(400, 'BadRequest', `the name of the object (${objectName}) does not match the name on the URL (${name})`);
      const previous = secrets.get(key(namespace, name));
      if (previous === undefined) return notFound(name);
      const expected = metadata.resourceVersion;
      if (expected !== undefined && expected !== '' && expected !== previous.metadata.resourceVersion) {
        return statusFailure(409, 'Conflict', `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
          name,
          kind: 'secrets',
        });
      }
      return { status: 200, body: served(store(namespace, name, read.value, written.data, previous)) };
    },
  };
}
