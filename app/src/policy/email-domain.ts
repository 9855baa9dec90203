/** The domain part of an email address, for email-domain conditions. */

/** The domain of an email with exactly one "@", lower-cased; undefined otherwise. */
export function emailDomain(email: string | undefined): string | undefined {
  if (!email) return undefined;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || at === email.length - 1) return undefined;
  return email.slice(at + 1).toLowerCase();
}
