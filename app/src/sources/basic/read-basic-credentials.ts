/**
 * The login and password of an `Authorization: Basic …` header (RFC 7617): base64 of
 * `login:password`, read as UTF-8 (the charset the challenge announces). Everything that cannot be
 * a real credential is refused here, before any directory or file is asked: an empty password
 * above all, since many LDAP servers take a bind with a DN and no password as anonymous.
 */

/** A login and password from the header. */
export interface BasicCredentials {
  readonly login: string;
  readonly password: string;
}

/** Why the header holds no usable credential. */
export type BasicProblem = 'not-basic' | 'malformed' | 'empty-password';

/** Logins longer than this are refused; real ones are far shorter. */
export const MAX_LOGIN_LENGTH = 256;
/** Passwords longer than this are refused before any hashing (bcrypt reads 72 bytes anyway). */
export const MAX_PASSWORD_LENGTH = 1024;
/** The base64 of the two limits and a colon, rounded up. */
const MAX_ENCODED = Math.ceil(((MAX_LOGIN_LENGTH + MAX_PASSWORD_LENGTH) * 4 + 1) / 3) * 4;

const SCHEME = /^basic +/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// C0 and C1 controls and DEL: never part of a name a person types.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the header uses the Basic scheme, valid or not. */
export function isBasic(header: string | undefined): boolean {
  return header !== undefined && SCHEME.test(header.trimStart());
}

/** Reads the header; never throws. */
export function readBasicCredentials(header: string | undefined): BasicCredentials | { problem: BasicProblem } {
  if (!isBasic(header)) return { problem: 'not-basic' };
  const encoded = (header as string).trim().replace(SCHEME, '');
  if (encoded.length === 0 || encoded.length > MAX_ENCODED || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return { problem: 'malformed' };
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return { problem: 'malformed' };
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { problem: 'malformed' };
  const login = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (login.length > MAX_LOGIN_LENGTH || CONTROL.test(login) || login.trim() !== login) return { problem: 'malformed' };
  if (password.length === 0) return { problem: 'empty-password' };
  if (password.length > MAX_PASSWORD_LENGTH || /\u0000/.test(password)) return { problem: 'malformed' };
  return { login, password };
}
