/**
 * Sidecar mode's route policies and skip list, from the config file's `sidecar` section:
 *
 *     sidecar:
 *       routes:
 *         - { path: /admin, methods: [GET, POST], policy: "allowed_groups=admins" }
 *         - { path: "^/api/v[0-9]+/reports$", policy: "policy=reports-readonly" }
 *       skip: [/healthz, "^/static/"]
 *
 * A request takes the policy of the first route whose path and method match (a literal path is a
 * prefix, as nginx's `location /admin`), and none when no route matches: signed in is enough. A
 * policy is written in the auth-url query language. A skip entry is an exact path or a pattern;
 * only the app's own probes and public assets belong there, because those requests reach the app
 * without any check. Every problem is reported at once, naming where it was written.
 */
import { describe, isMapping, own, ownKeys } from '../../policy/named/config-values.ts';
import { matchesExactly, matchesPrefix, parsePathRule, type PathRule } from './path-rule.ts';

/** One route. */
export interface SidecarRoute {
  readonly path: PathRule;
  /** Upper-case method names; empty for every method. */
  readonly methods: readonly string[];
  /** The auth-url query (`allowed_groups=admins&backend=…`), '' for signed in is enough. */
  readonly policy: string;
}

/** The parsed section. */
export interface SidecarRoutes {
  readonly routes: readonly SidecarRoute[];
  readonly skip: readonly PathRule[];
}

/** Checks a policy against the named policies and backends in force; a problem, or undefined. */
export type PolicyCheck = (query: string) => string | undefined;

/** Without the section: no route policies, nothing skipped. */
export const NO_SIDECAR_ROUTES: SidecarRoutes = Object.freeze({ routes: Object.freeze([]), skip: Object.freeze([]) });

const SECTION_KEYS = new Set(['routes', 'skip']);
const ROUTE_KEYS = new Set(['path', 'methods', 'policy']);
const MAX_ENTRIES = 1000;
const METHOD = /^[A-Za-z_-]{1,32}$/;

function unknownKeys(value: Readonly<Record<string, unknown>>, known: Set<string>, at: string, problems: string[]): void {
  for (const name of ownKeys(value)) if (!known.has(name)) problems.push(`${at}: unknown key ${describe(name)}; known keys: ${[...known].join(', ')}`);
}

function list(value: unknown, at: string, problems: string[]): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ENTRIES) {
    problems.push(`${at}: must be a list of at most ${MAX_ENTRIES} entries`);
    return [];
  }
  return value;
}

function parseMethods(value: unknown, at: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${at}: must be a non-empty list of HTTP methods, or left out for every method`);
    return [];
  }
  return value.flatMap((method: unknown, index) => {
    if (typeof method === 'string' && METHOD.test(method)) return [method.toUpperCase()];
    problems.push(`${at}[${index}]: ${describe(method)} is not an HTTP method`);
    return [];
  });
}

function parseRoute(entry: unknown, at: string, checkPolicy: PolicyCheck, problems: string[]): SidecarRoute | undefined {
  if (!isMapping(entry)) return void problems.push(`${at}: must be a mapping with path, and optionally methods and policy`);
  const before = problems.length;
  unknownKeys(entry, ROUTE_KEYS, at, problems);
  const path = parsePathRule(own(entry, 'path'));
  if (typeof path === 'string') problems.push(`${at}.path: ${describe(own(entry, 'path'))} ${path}`);
  const methods = parseMethods(own(entry, 'methods'), `${at}.methods`, problems);
  const raw = own(entry, 'policy') ?? '';
  if (typeof raw !== 'string') return void problems.push(`${at}.policy: must be an auth-url query such as "allowed_groups=admins"`);
  // Written as it appears after "?" in an auth-url; a leading "?" is forgiven.
  const policy = raw.startsWith('?') ? raw.slice(1) : raw;
  const invalid = checkPolicy(policy);
  if (invalid !== undefined) problems.push(`${at}.policy: ${describe(raw)}: ${invalid}`);
  if (problems.length > before || typeof path === 'string') return undefined;
  return Object.freeze({ path, methods: Object.freeze(methods), policy });
}

/**
 * Parses the `sidecar` section; problems are appended.
 * @param checkPolicy - validates each route's policy as the check will read it
 */
export function parseSidecarRoutes(input: unknown, checkPolicy: PolicyCheck, problems: string[]): SidecarRoutes {
  if (input === undefined || input === null) return NO_SIDECAR_ROUTES;
  if (!isMapping(input)) {
    problems.push('sidecar: must be a mapping with routes and/or skip');
    return NO_SIDECAR_ROUTES;
  }
  unknownKeys(input, SECTION_KEYS, 'sidecar', problems);
  const routes = list(own(input, 'routes'), 'sidecar.routes', problems).flatMap((entry, index) => parseRoute(entry, `sidecar.routes[${index}]`, checkPolicy, problems) ?? []);
  const skip = list(own(input, 'skip'), 'sidecar.skip', problems).flatMap((entry, index) => {
    const rule = parsePathRule(entry);
    if (typeof rule !== 'string') return [rule];
    problems.push(`sidecar.skip[${index}]: ${describe(entry)} ${rule}`);
    return [];
  });
  return Object.freeze({ routes: Object.freeze(routes), skip: Object.freeze(skip) });
}

/** The policy of the first route matching `method` and the normalised `path`; '' when none does. */
export function routePolicyFor(table: SidecarRoutes, method: string, path: string): string {
  for (const route of table.routes) {
    if (route.methods.length > 0 && !route.methods.includes(method)) continue;
    if (matchesPrefix(route.path, path)) return route.policy;
  }
  return '';
}

/**
 * Whether a request skips the check. Both the path as sent and its normalised form must match:
 * "/healthz/../admin" normalises away from the entry, and "/%68ealthz" was not sent as it.
 */
export function skipsCheck(table: SidecarRoutes, rawPath: string, path: string): boolean {
  for (const rule of table.skip) if (matchesExactly(rule, path) && matchesExactly(rule, rawPath)) return true;
  return false;
}
