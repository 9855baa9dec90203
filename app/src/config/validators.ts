/** Custom envalid validators for gatehouse's value shapes. */
import { makeValidator, EnvError } from 'envalid';

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `30s`, `15m`, `8h`, `7d` or a bare number of seconds into milliseconds. */
export function parseDuration(input: string): number {
  const match = DURATION.exec(input.trim());
  if (!match) throw new EnvError(`"${input}" is not a duration; use e.g. 30s, 15m, 8h or 7d`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = value * (UNIT_MS[unit] ?? 1000);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new EnvError(`"${input}" must be a positive duration`);
  return ms;
}

/** A duration in milliseconds. */
export const duration = makeValidator<number>((input) => parseDuration(input));

/** A duration in milliseconds, or `0` to turn the feature off. */
export const durationOrOff = makeValidator<number>((input) => (input.trim() === '0' ? 0 : parseDuration(input)));

/** A comma-separated list; blanks are dropped. */
export const commaList = makeValidator<string[]>((input) =>
  input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** A whole number of at least 1. */
export const positiveInt = makeValidator<number>((input) => {
  if (!/^\d+$/.test(input.trim())) throw new EnvError(`"${input}" is not a whole number`);
  const n = Number(input);
  if (n < 1 || !Number.isSafeInteger(n)) throw new EnvError(`"${input}" must be at least 1`);
  return n;
});

const KEY_BYTES = 32;

/** Decodes comma-separated base64 (or base64url) keys, each exactly 32 bytes. */
export function decodeKeys(raw: string): Buffer[] {
  const parts = raw.split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) throw new EnvError('is empty: give 32 random bytes, base64');
  return parts.map((part, index) => {
    const ok = /^[A-Za-z0-9+/_-]+={0,2}$/.test(part);
    const key = ok ? Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      const which = parts.length > 1 ? `key ${index + 1} ` : '';
      throw new EnvError(`${which}must be ${KEY_BYTES} bytes, base64-encoded; it decodes to ${key.length} bytes`);
    }
    return key;
  });
}

/** Cookie keys: the first seals, all unseal. */
export const cookieKeys = makeValidator<Buffer[]>((input) => decodeKeys(input));

/** Space-separated OAuth scopes that include openid. */
export const scopeList = makeValidator<string[]>((input) => {
  const scopes = input.split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) throw new EnvError(`"${input}" must include openid`);
  return scopes;
});

/** An http(s) URL whose path is exactly `path`. */
export const urlWithPath = (path: string) =>
  makeValidator<URL>((input) => {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new EnvError(`"${input}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EnvError(`must be http(s), got ${url.protocol}`);
    if (url.pathname !== path) throw new EnvError(`must end in ${path}, got path ${url.pathname}`);
    return url;
  });
