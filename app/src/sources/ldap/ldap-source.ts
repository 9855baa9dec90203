/**
 * The ldap source: `Authorization: Basic` checked against an LDAP directory (search, then bind as
 * the found entry), with the user's groups (nested ones included) on the identity, so that
 * `group_mappings`, `role_mappings` and policies apply as for every source. A principal cache
 * spares the directory a repeated password; a circuit breaker answers 503 at once while the
 * directory is down; a required group keeps everyone else out with 401.
 */
import type { LdapSettings } from '../../config/validate-ldap.ts';
import type { AppDeps } from '../../deps.ts';
import { parseDn, sameDn } from '../../identity/role-mapping/distinguished-name.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import { createBasicSource, type PasswordCheck, type PasswordVerdict } from '../basic/basic-source.ts';
import type { IdentitySource } from '../identity-source.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';
import { createDirectory, type Directory, type LdapUser } from './ldap-directory.ts';
import { createPrincipalCache } from './principal-cache.ts';

/** Failures in a row after which the directory is considered down. */
export const CIRCUIT_THRESHOLD = 5;
/** How long it is then considered down before one check probes it again. */
export const CIRCUIT_OPEN_MS = 30_000;

/** The identity of an accepted user, groups named as configured. */
export function identityOfLdapUser(user: LdapUser, settings: Pick<LdapSettings, 'groups'>): Identity {
  const names = user.groups.map((g) => (settings.groups.name === 'dn' ? g.dn : (g.cn ?? g.dn)));
  return { sub: user.dn, user: user.username, email: user.email, groups: [...new Set(names)], preferredUsername: user.username, name: user.name, dn: user.dn, claims: {} };
}

/** Whether `user` is in the required group (compared as normalised DNs). */
function inRequiredGroup(user: LdapUser, required: string | undefined): boolean {
  if (required === undefined) return true;
  const wanted = parseDn(required);
  return wanted !== undefined && user.groups.some((g) => {
    const dn = parseDn(g.dn);
    return dn !== undefined && sameDn(dn, wanted);
  });
}

/** Creates the ldap source; `directory` replaces the real one in tests of the wrapper alone. */
export function createLdapSource(deps: Pick<AppDeps, 'config' | 'logger' | 'metrics' | 'attempts' | 'now'>, directory?: Directory): IdentitySource {
  const settings = deps.config.ldap;
  if (!settings) throw new Error('the ldap source needs its settings (GATEHOUSE_LDAP_*)');
  const { logger, metrics } = deps;
  const signIn = directory ?? createDirectory(settings);
  const cache = createPrincipalCache<Identity>(settings.cacheTtlMs, deps.now);
  metrics.ldapCircuitOpen.set(0);
  const breaker = createCircuitBreaker({
    threshold: CIRCUIT_THRESHOLD,
    openMs: CIRCUIT_OPEN_MS,
    now: deps.now,
    onChange(state) {
      metrics.ldapCircuitOpen.set(state === 'open' ? 1 : 0);
      if (state === 'open') logger.error({ openMs: CIRCUIT_OPEN_MS }, 'LDAP directory unreachable: answering 503 without asking it for a while');
      else if (state === 'closed') logger.info('LDAP directory reachable again');
    },
  });
  const down = (err: Error): PasswordVerdict => ({ ok: 'unknown', status: 503, reason: REASONS.ldapUnavailable, err });

  const check: PasswordCheck = async (login, password) => {
    const cached = await cache.get(login, password);
    if (cached) return { ok: true, identity: cached };
    if (!breaker.allow()) return down(new Error('the LDAP circuit is open: the directory failed repeatedly'));
    const answer = await signIn(login, password);
    switch (answer.kind) {
      case 'unreachable':
        breaker.failed();
        logger.warn({ err: answer.err.message }, 'LDAP directory did not answer');
        return down(answer.err);
      case 'failed':
        breaker.succeeded();
        logger.error({ err: answer.err.message }, 'LDAP directory refused the search');
        return down(answer.err);
      case 'refused':
        breaker.succeeded();
        if (answer.why === 'ambiguous') logger.warn('LDAP user filter matched more than one entry for a login; refused');
        return { ok: false, reason: REASONS.basicInvalid };
      case 'accepted': {
        breaker.succeeded();
        if (!inRequiredGroup(answer.user, settings.requiredGroup)) return { ok: false, reason: REASONS.ldapGroupRequired };
        const identity = identityOfLdapUser(answer.user, settings);
        await cache.set(login, password, identity);
        return { ok: true, identity };
      }
    }
  };

  return createBasicSource({ name: 'ldap', check, limiter: deps.attempts, metrics, logger });
}
