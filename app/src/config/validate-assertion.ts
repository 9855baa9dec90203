/**
 * The assertion part of the configuration: whether allowed checks carry a signed assertion, its
 * issuer, lifetime and the keys it is signed with. Read only when GATEHOUSE_ASSERTION is on; every
 * problem is appended naming its variable.
 */
import { readFileSync } from 'node:fs';
import { parseAssertionKeys } from '../assertion/assertion-key-pem.ts';
import type { CleanedEnv } from './schema.ts';

/** The signed identity assertion's settings. */
export interface AssertionSettings {
  /** The `iss` of every assertion. */
  readonly issuer: string;
  /** The mounted PEM file of the keys, watched for rotation; undefined: a key made at start-up. */
  readonly keyFile: string | undefined;
  readonly ttlMs: number;
}

const MIN_TTL_MS = 10_000;
const MAX_TTL_MS = 10 * 60_000;

function issuerOf(raw: string, signIn: URL | undefined, problems: string[]): string | undefined {
  if (raw === '') {
    if (signIn) return signIn.origin;
    problems.push('GATEHOUSE_ASSERTION_ISSUER is required without browser sign-in (there is no sign-in origin to default to), e.g. https://auth.example.com');
    return undefined;
  }
  if (!URL.canParse(raw)) {
    problems.push(`GATEHOUSE_ASSERTION_ISSUER: "${raw}" is not an absolute URL (e.g. https://auth.example.com)`);
    return undefined;
  }
  const url = new URL(raw);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('GATEHOUSE_ASSERTION_ISSUER must be an http(s) URL');
  if (url.search || url.hash || url.username || url.password) problems.push('GATEHOUSE_ASSERTION_ISSUER must have no query, fragment or credentials');
  // Verifiers compare iss as a string: it is used exactly as written.
  return raw;
}

function checkKeyFile(path: string, problems: string[]): void {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`GATEHOUSE_ASSERTION_KEY_FILE: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return;
  }
  const parsed = parseAssertionKeys(pem);
  if ('problems' in parsed) for (const problem of parsed.problems) problems.push(`GATEHOUSE_ASSERTION_KEY_FILE: ${problem}`);
}

/**
 * Builds the settings; undefined when the assertion is off or a problem stops it.
 * @param signIn - the sign-in URL (or the callback) whose origin is the default issuer
 */
export function validateAssertion(env: CleanedEnv, signIn: URL | undefined, problems: string[]): AssertionSettings | undefined {
  if (!env.GATEHOUSE_ASSERTION) return undefined;
  const before = problems.length;
  const issuer = issuerOf(env.GATEHOUSE_ASSERTION_ISSUER.trim(), signIn, problems);
  const ttlMs = env.GATEHOUSE_ASSERTION_TTL;
  if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) problems.push('GATEHOUSE_ASSERTION_TTL must be between 10s and 10m: long enough to reach the upstream, short enough that a stolen one soon expires');
  const keyFile = env.GATEHOUSE_ASSERTION_KEY_FILE.trim() || undefined;
  if (keyFile !== undefined) checkKeyFile(keyFile, problems);
  if (problems.length > before || issuer === undefined) return undefined;
  return { issuer, keyFile, ttlMs };
}
