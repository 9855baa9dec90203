/**
 * The htpasswd source: `Authorization: Basic` checked against a mounted htpasswd file, the groups
 * from the config file's `htpasswd` section. Every login costs one slow hash, a missing one too.
 */
import type { AppDeps } from '../../deps.ts';
import { bcryptPackage } from '../../optional-packages.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import { createBasicSource, type PasswordCheck } from '../basic/basic-source.ts';
import type { IdentitySource } from '../identity-source.ts';
import { createHtpasswdUsers } from './htpasswd-users.ts';
import { verifyPassword } from './verify-password.ts';

/** Identities remembered at once; beyond it the memory starts over. */
const MAX_REMEMBERED = 10_000;

/** Creates the htpasswd source. */
export function createHtpasswdSource(deps: Pick<AppDeps, 'config' | 'identity' | 'logger' | 'metrics' | 'attempts'>): IdentitySource {
  const settings = deps.config.htpasswd;
  if (!settings) throw new Error('the htpasswd source needs GATEHOUSE_HTPASSWD_FILE');
  // bcrypt is loaded here, at start-up, even for a file of SHA-crypt entries alone: a bcrypt entry
  // added later must not be the first thing to find the package missing.
  bcryptPackage();
  const holder = createHtpasswdUsers({ file: settings.file, pollMs: settings.pollMs, logger: deps.logger });
  // One identity object per user and group config, so its roles and headers are worked out once.
  const remembered = new Map<string, { fingerprint: string; identity: Identity }>();

  const identityOf = (user: string): Identity => {
    const config = deps.identity.current();
    const known = remembered.get(user);
    if (known && known.fingerprint === config.fingerprint) return known.identity;
    const groups = config.htpasswdGroups.get(user) ?? [];
    const identity: Identity = { sub: user, user, email: undefined, groups, preferredUsername: undefined, name: undefined, dn: undefined, claims: {} };
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(user, { fingerprint: config.fingerprint, identity });
    return identity;
  };

  const check: PasswordCheck = async (login, password) => {
    const { users, dummy } = holder.current();
    const stored = users.get(login);
    // A login not in the file is checked against the dummy, so both cost one hash.
    const matches = await verifyPassword(password, stored ?? (await dummy));
    if (stored === undefined || !matches) return { ok: false, reason: REASONS.basicInvalid };
    return { ok: true, identity: identityOf(login) };
  };

  return createBasicSource({ name: 'htpasswd', check, limiter: deps.attempts, metrics: deps.metrics, logger: deps.logger });
}
