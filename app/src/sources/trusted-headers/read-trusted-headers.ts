/**
 * The trusted-header identity source (elastauth's `authelia` provider, hardened): identity
 * headers such as Remote-User are believed only from an authenticated upstream. ingress-nginx
 * forwards the client's own headers to auth-url, so a client writing `Remote-User: admin` must
 * not be believed: trust comes from the socket's peer address and/or a shared secret, never from
 * anything the client controls, and with neither configured nothing is trusted.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../errors.ts';
import { headerNameProblem } from './header-name.ts';
import { isValidEmail, isValidUsername, parseDisplayName, parseGroups, type TrustedIdentity } from './identity-values.ts';
import { checkUpstream, compileUpstreamTrust, type SharedSecret, type UntrustedCheck } from '../../http/upstream-trust.ts';

export type { TrustedIdentity } from './identity-values.ts';
export type { SharedSecret, UntrustedCheck } from '../../http/upstream-trust.ts';

/** The header names identity is read from. */
export interface TrustedHeaderNames {
  readonly user: string;
  readonly groups: string;
  readonly email: string;
  readonly name: string;
}

/** Options of {@link createTrustedHeaderSource}. */
export interface TrustedHeaderOptions {
  readonly headers: TrustedHeaderNames;
  /** CIDRs the immediate peer must be in; empty means the address is not checked. */
  readonly trustedSources: readonly string[];
  /** A header the upstream must send with one of `values`; absent means no secret is checked. */
  readonly sharedSecret?: SharedSecret;
}

/** The request facts the source reads; `headersDistinct` (Node's) lets a repeated header be seen. */
export interface TrustedHeaderRequest {
  readonly headers: IncomingHttpHeaders;
  readonly headersDistinct?: NodeJS.Dict<string[]>;
  readonly remoteAddress: string | undefined;
}

/** Stable reasons; every one answers 401. */
export type TrustedHeaderReason = 'trusted_headers_unconfigured' | 'untrusted_source' | 'trusted_user_missing' | 'trusted_header_invalid';

/** Which identity field was invalid. */
export type TrustedField = keyof TrustedHeaderNames;

/** The outcome of reading one request. */
export type TrustedIdentityResult =
  | { readonly ok: true; readonly identity: TrustedIdentity }
  | { readonly ok: false; readonly reason: TrustedHeaderReason; readonly field?: TrustedField; readonly check?: UntrustedCheck };

/** A trusted-header identity source. */
export interface TrustedHeaderSource {
  readTrustedIdentity(req: TrustedHeaderRequest): TrustedIdentityResult;
}

const FIELDS: readonly TrustedField[] = ['user', 'groups', 'email', 'name'];
const DEFAULT_LABELS = { sources: 'trustedSources', secret: 'sharedSecret.values', secretHeader: 'sharedSecret.header', headers: 'headers' };

/** Labels for problem messages, so a caller can name its own settings. */
export type TrustedHeaderLabels = typeof DEFAULT_LABELS;

/** Every problem with `options`, each starting with its label; empty when they are usable. */
export function checkTrustedHeaderOptions(options: TrustedHeaderOptions, labels: TrustedHeaderLabels = DEFAULT_LABELS): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const named: Array<[string, string]> = FIELDS.map((field) => [`${labels.headers}.${field}`, options.headers[field]]);
  if (options.sharedSecret) named.push([labels.secretHeader, options.sharedSecret.header]);
  for (const [label, name] of named) {
    const problem = headerNameProblem(name, label);
    if (problem) problems.push(problem);
    const clash = seen.get(name.toLowerCase());
    if (clash) problems.push(`${label}: "${name}" is also ${clash}; each needs its own header`);
    seen.set(name.toLowerCase(), label);
  }
  compileUpstreamTrust(options.trustedSources, options.sharedSecret, labels, problems);
  return problems;
}

/** One header's value; a repeated header is `null` (invalid), an absent or empty one undefined. */
function single(req: TrustedHeaderRequest, name: string): string | null | undefined {
  const value = req.headers[name];
  if (Array.isArray(value)) return null;
  const distinct = req.headersDistinct?.[name];
  if (distinct !== undefined && distinct.length > 1) return null;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function invalid(field: TrustedField): TrustedIdentityResult {
  return { ok: false, reason: 'trusted_header_invalid', field };
}

function readIdentity(req: TrustedHeaderRequest, names: TrustedHeaderNames): TrustedIdentityResult {
  const user = single(req, names.user);
  if (user === undefined) return { ok: false, reason: 'trusted_user_missing' };
  if (user === null || !isValidUsername(user)) return invalid('user');
  const rawGroups = single(req, names.groups);
  const groups = rawGroups === null ? undefined : parseGroups(rawGroups ?? '');
  if (groups === undefined) return invalid('groups');
  const email = single(req, names.email);
  if (email === null || (email !== undefined && !isValidEmail(email))) return invalid('email');
  const rawName = single(req, names.name);
  const name = typeof rawName === 'string' ? parseDisplayName(rawName) : undefined;
  if (rawName === null || (rawName !== undefined && name === undefined)) return invalid('name');
  const identity: TrustedIdentity = {
    user,
    groups,
    ...(email === undefined ? {} : { email }),
    ...(name === undefined ? {} : { name }),
  };
  return { ok: true, identity };
}

/**
 * Builds the source.
 * @throws AppError CONFIG_INVALID listing every problem {@link checkTrustedHeaderOptions} finds
 */
export function createTrustedHeaderSource(options: TrustedHeaderOptions): TrustedHeaderSource {
  const problems = checkTrustedHeaderOptions(options);
  if (problems.length > 0) throw new AppError('CONFIG_INVALID', `trusted headers: ${problems.join('; ')}`);
  const trust = compileUpstreamTrust(options.trustedSources, options.sharedSecret, DEFAULT_LABELS, []);
  const names: TrustedHeaderNames = {
    user: options.headers.user.toLowerCase(),
    groups: options.headers.groups.toLowerCase(),
    email: options.headers.email.toLowerCase(),
    name: options.headers.name.toLowerCase(),
  };
  return {
    readTrustedIdentity(req) {
      const untrusted = checkUpstream(trust, req.headers, req.remoteAddress);
      if (untrusted === 'unconfigured') return { ok: false, reason: 'trusted_headers_unconfigured', check: untrusted };
      if (untrusted !== undefined) return { ok: false, reason: 'untrusted_source', check: untrusted };
      return readIdentity(req, names);
    },
  };
}
