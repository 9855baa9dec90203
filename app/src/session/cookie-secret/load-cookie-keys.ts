/**
 * Get-or-create of the cookie keys' Secret at start-up, so several replicas starting at once agree
 * on one key without anyone generating it beforehand: read the Secret; when it is missing, create
 * it with a fresh key; when that create meets 409 AlreadyExists, another replica won the race, so
 * read again and use its key. Failures of the API are retried a few times with a growing pause;
 * a refusal (401, 403) or a Secret holding no valid keys stops start-up at once with what to fix.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CookieSecretSettings } from '../../config/validate-cookie-kubernetes.ts';
import { decodeKeys } from '../../config/validators.ts';
import type { Logger } from '../../observability/logger.ts';
import { SECRET_KEY, type CookieSecretClient } from './secret-client.ts';

/** The keys and the Secret's version they were read at. */
export interface LoadedKeys {
  readonly keys: Buffer[];
  /** The text of cookie-secret, to notice a change later. */
  readonly keysText: string;
}

/** Why gatehouse cannot start with keys from the Secret; the message says what to do. */
export class CookieSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CookieSecretError';
  }
}

const ATTEMPTS = 6;
const FIRST_PAUSE_MS = 500;

/** Decodes the Secret's keys, or says what is wrong with them (never the value). */
export function keysOf(settings: Pick<CookieSecretSettings, 'name' | 'namespace'>, keysText: string | undefined): Buffer[] {
  const where = `the Secret ${settings.namespace}/${settings.name}`;
  if (keysText === undefined) throw new CookieSecretError(`${where} has no ${SECRET_KEY} key: add one (comma-separated base64 keys of 32 bytes), or delete the Secret and gatehouse makes a new one`);
  try {
    return decodeKeys(keysText);
  } catch (err) {
    throw new CookieSecretError(`${where}: ${SECRET_KEY} ${(err as Error).message}`);
  }
}

/**
 * Reads the keys, creating the Secret when it is missing.
 * @throws CookieSecretError when the keys cannot be had
 */
export async function loadCookieKeys(client: CookieSecretClient, settings: CookieSecretSettings, logger: Logger, pause: (ms: number) => Promise<unknown> = sleep): Promise<LoadedKeys> {
  const where = `${settings.namespace}/${settings.name}`;
  let last = 'no answer';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await client.read();
    if (read.kind === 'found') {
      logger.info({ secret: where }, 'cookie keys read from the Kubernetes Secret');
      return { keys: keysOf(settings, read.keysText), keysText: read.keysText as string };
    }
    let failure: { status: number | undefined; detail: string } | undefined = read.kind === 'failed' ? read : undefined;
    if (read.kind === 'missing') {
      const fresh = randomBytes(32).toString('base64');
      const created = await client.create(fresh);
      if (created.kind === 'created') {
        logger.info({ secret: where }, 'cookie keys Secret created with a new key');
        return { keys: decodeKeys(fresh), keysText: fresh };
      }
      // Another replica created it between our read and our create: its key is the one to use.
      if (created.kind === 'exists') {
        logger.info({ secret: where }, 'cookie keys Secret created by another replica first; reading it');
        continue;
      }
      failure = created;
    }
    if (failure === undefined) continue;
    last = failure.detail;
    if (failure.status === 401 || failure.status === 403) {
      const what = failure.status === 403 ? `may not read or create it (RBAC: get on secrets/${settings.name} and create on secrets in ${settings.namespace}; the chart's cookie.fromKubernetes grants both)` : 'its own token was refused';
      throw new CookieSecretError(`cannot read the cookie keys' Secret ${where}: gatehouse ${what} (${failure.detail})`);
    }
    const wait = FIRST_PAUSE_MS * 2 ** attempt;
    logger.warn({ secret: where, cause: failure.detail, retryInMs: wait }, 'the Kubernetes API cannot give the cookie keys yet');
    await pause(wait);
  }
  throw new CookieSecretError(`cannot read or create the cookie keys' Secret ${where} after ${ATTEMPTS} attempts: ${last}`);
}
