/**
 * Checks on the identity values a trusted upstream sends, with elastauth's limits (its request
 * validation): a username of `[a-zA-Z0-9._\-@]`, 1–255 characters; groups split on `,`, each
 * 1–255 characters; an email of the usual shape, at most 320; a display name of at most 500.
 * Control characters are refused everywhere, stricter than elastauth for names (it let tab, CR
 * and LF through), because these values end up in response headers and logs.
 */

/** The identity read from trusted headers. */
export interface TrustedIdentity {
  readonly user: string;
  readonly groups: readonly string[];
  readonly email?: string;
  readonly name?: string;
}

const USERNAME = /^[a-zA-Z0-9._\-@]{1,255}$/;
const EMAIL = /^[a-zA-Z0-9._%+\-]+@[a-zA-Z0-9.\-]+\.[a-zA-Z]{2,}$/;
const CONTROL = /\p{Cc}/u;
const MAX_GROUP = 255;
const MAX_EMAIL = 320;
const MAX_NAME = 500;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Node hands header values over as latin1, one character per byte; upstreams such as Authelia
 * send UTF-8. Valid UTF-8 is decoded; bytes that are not UTF-8 are refused rather than guessed.
 * A string already holding characters beyond one byte did not come off the wire and is kept.
 * @returns the decoded text, or undefined when the bytes are not UTF-8
 */
export function decodeHeaderText(value: string): string | undefined {
  if (!/[\x80-\xff]/.test(value)) return value;
  if (/[^\x00-\xff]/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return undefined;
  }
}

/** Whether `value` is an acceptable username. */
export function isValidUsername(value: string): boolean {
  return USERNAME.test(value);
}

/** The groups of a comma-separated header value, trimmed, blanks dropped, first occurrence kept; undefined when one is invalid. */
export function parseGroups(value: string): string[] | undefined {
  const decoded = decodeHeaderText(value);
  if (decoded === undefined) return undefined;
  const groups: string[] = [];
  for (const raw of decoded.split(',')) {
    const group = raw.trim();
    if (group === '') continue;
    if ([...group].length > MAX_GROUP || CONTROL.test(group)) return undefined;
    if (!groups.includes(group)) groups.push(group);
  }
  return groups;
}

/** Whether `value` is an acceptable email address. */
export function isValidEmail(value: string): boolean {
  return value.length <= MAX_EMAIL && EMAIL.test(value);
}

/** The decoded display name, or undefined when it is not acceptable. */
export function parseDisplayName(value: string): string | undefined {
  const decoded = decodeHeaderText(value);
  if (decoded === undefined || [...decoded].length > MAX_NAME || CONTROL.test(decoded)) return undefined;
  return decoded;
}
