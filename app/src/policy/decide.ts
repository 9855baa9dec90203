/**
 * Authorization as a pure function: (policy, identity) → allow or deny, with the reasons.
 * Every condition present must hold; within one condition any listed value suffices.
 */
import type { Identity } from '../session/session-record.ts';
import type { QueryPolicy } from './query-policy.ts';
import { REASONS, type Reason } from './reasons.ts';

/** The outcome of a check. */
export interface Decision {
  readonly allow: boolean;
  readonly reasons: readonly Reason[];
}

/** The domain of an email with exactly one "@", lower-cased; undefined otherwise. */
export function emailDomain(email: string | undefined): string | undefined {
  if (!email) return undefined;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || at === email.length - 1) return undefined;
  return email.slice(at + 1).toLowerCase();
}

/**
 * Decides whether a signed-in identity satisfies a policy.
 * @returns allow with the reasons of each satisfied condition, or deny with every failed one
 */
export function decide(policy: QueryPolicy, identity: Identity): Decision {
  const passed: Reason[] = [];
  const failed: Reason[] = [];
  if (policy.allowedGroups) {
    const allowed = policy.allowedGroups;
    const ok = identity.groups.some((group) => allowed.includes(group));
    (ok ? passed : failed).push(ok ? REASONS.groupOk : REASONS.groupUnauthorized);
  }
  if (policy.allowedEmails || policy.allowedEmailDomains) {
    const domain = emailDomain(identity.email);
    if (domain === undefined) {
      // A missing or multi-@ email cannot satisfy an email condition (a multi-@ address once let
      // "victim@allowed.com@evil.com" pass a domain check elsewhere).
      failed.push(REASONS.emailInvalid);
    } else {
      if (policy.allowedEmails) {
        const ok = policy.allowedEmails.includes((identity.email as string).toLowerCase());
        (ok ? passed : failed).push(ok ? REASONS.emailOk : REASONS.emailUnauthorized);
      }
      if (policy.allowedEmailDomains) {
        const ok = policy.allowedEmailDomains.includes(domain);
        (ok ? passed : failed).push(ok ? REASONS.emailDomainOk : REASONS.emailDomainUnauthorized);
      }
    }
  }
  if (failed.length > 0) return { allow: false, reasons: failed };
  return { allow: true, reasons: passed.length > 0 ? passed : [REASONS.noPolicy] };
}
