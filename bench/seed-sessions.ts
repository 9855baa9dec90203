/**
 * Writes many sessions straight into a gatehouse's Redis through gatehouse's own code: the bench
 * process loads the same configuration as the server (same cookie key, same Redis), so
 * `createSessions(...).create` seals, stores and indexes each record exactly as a sign-in would,
 * and the cookies it hands back open on the server. Only the provider round trip of a real sign-in
 * is skipped; the template record comes from one real sign-in.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadConfig } from '../app/src/config/load-config.ts';
import { createSessionStore } from '../app/src/session/create-store.ts';
import { createSealer } from '../app/src/session/seal.ts';
import { createSessions } from '../app/src/session/sessions.ts';
import type { Identity, SessionRecord, SessionTokens } from '../app/src/session/session-record.ts';

/** What a seeding run did. */
export interface Seeded {
  readonly count: number;
  readonly seconds: number;
  /** Up to `sampleSize` of the new session ids, for MEMORY USAGE. */
  readonly sampleIds: readonly string[];
  /** The session record every seeded session copies (identity renamed per user). */
  readonly template: SessionRecord;
}

/** Options of {@link seedSessions}. */
export interface SeedOptions {
  /** The gatehouse's environment: its cookie key and Redis settings are what matter. */
  readonly env: Record<string, string>;
  /** A Cookie header of one real sign-in on that gatehouse: its record is the template. */
  readonly templateCookie: string;
  readonly count: number;
  /** One Cookie header value per line is written here. */
  readonly cookieFile: string;
  /** Creates in flight at once; ioredis auto-pipelines them. */
  readonly concurrency?: number;
  readonly sampleSize?: number;
}

/**
 * The template as user `i` would sign in: sub, user name and provider session id suffixed with `-i`
 * in the identity, its claims and the ID token's payload alike, as that user's own ID token would
 * carry them. The token's header and signature stay the template's: nothing checks a stored token's
 * signature, and the record is then what a real sign-in stores (claims read from the ID token, not
 * kept beside it).
 */
function asUser(template: SessionRecord, i: number): { identity: Identity; tokens: SessionTokens } {
  const { identity, tokens } = template;
  const renamed = new Map([
    [identity.sub, `${identity.sub}-${i}`],
    [identity.user, `${identity.user}-${i}`],
    ...(template.sid === undefined ? [] : [[template.sid, `${template.sid}-${i}`] as [string, string]]),
  ]);
  const rename = (claims: Readonly<Record<string, unknown>>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, ['sub', 'preferred_username', 'sid'].includes(name) ? (renamed.get(value as string) ?? value) : value]));
  const parts = tokens.idToken.split('.');
  const idToken =
    parts.length === 3
      ? [parts[0], Buffer.from(JSON.stringify(rename(JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>))).toString('base64url'), parts[2]].join('.')
      : tokens.idToken;
  return {
    identity: {
      ...identity,
      sub: `${identity.sub}-${i}`,
      user: `${identity.user}-${i}`,
      preferredUsername: identity.preferredUsername === undefined ? undefined : (renamed.get(identity.preferredUsername) ?? identity.preferredUsername),
      claims: rename(identity.claims),
    },
    tokens: { ...tokens, idToken },
  };
}

/**
 * Creates `count` sessions, each its own user (sub, user and sid suffixed with its number, asUser), and
 * writes their cookies to `cookieFile`.
 * @throws Error when the template cookie does not resolve to a session
 */
export async function seedSessions(options: SeedOptions): Promise<Seeded> {
  // The bench's writes may queue behind a loaded server on a busy machine: no server-side deadline.
  const config = loadConfig({ ...options.env, GATEHOUSE_REDIS_TIMEOUT: '60s' });
  const sealer = createSealer(config.cookie.keys);
  const store = createSessionStore(config, sealer);
  const sessions = createSessions(config, store, sealer);
  const out = createWriteStream(options.cookieFile);
  try {
    const resolved = await sessions.resolve(options.templateCookie);
    if (resolved.state !== 'active') throw new Error(`the template session is ${resolved.state}`);
    const template = resolved.record;
    const { sid } = template;
    const sampleSize = options.sampleSize ?? 200;
    const sampleIds: string[] = [];
    const started = performance.now();
    let next = 0;
    // One wait for the file to drain, shared by every worker that found it full.
    let drained: Promise<unknown> | undefined;
    const worker = async (): Promise<void> => {
      while (next < options.count) {
        const i = next++;
        const { identity, tokens } = asUser(template, i);
        const { id, setCookie } = await sessions.create(identity, tokens, sid === undefined ? undefined : `${sid}-${i}`);
        if (sampleIds.length < sampleSize) sampleIds.push(id);
        // "name=value; Path=/; …" → "name=value", what a browser sends back.
        if (!out.write(`${setCookie.slice(0, setCookie.indexOf(';'))}\n`)) await (drained ??= once(out, 'drain').finally(() => (drained = undefined)));
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 128 }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { count: options.count, seconds, sampleIds, template };
  } finally {
    out.end();
    await finished(out);
    await store.close();
  }
}
