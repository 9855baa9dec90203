/**
 * gatehouse's own token for the Kubernetes API, from a file the kubelet rewrites as the projected
 * token rotates. It is read again once it is a minute old (client-go's interval) and at once
 * when the API refuses it, so a rotation is picked up without a restart and without a file
 * read per request.
 */
import { readFile } from 'node:fs/promises';

/** Reads older than this are read again before use. */
const REREAD_AFTER_MS = 60_000;

/** The token file. */
export interface ApiTokenFile {
  /** The current token; reads the file when the copy is stale. */
  token(): Promise<string>;
  /** Forgets the copy, so the next `token()` reads the file; says whether the file now differs. */
  reread(): Promise<boolean>;
}

/** Creates the reader; nothing is read until the first call. */
export function createApiTokenFile(path: string, now: () => number): ApiTokenFile {
  let current: { token: string; readAt: number } | undefined;
  let reading: Promise<string> | undefined;
  const read = (): Promise<string> => {
    reading ??= readFile(path, 'utf8')
      .then((text) => {
        const token = text.trim();
        if (token === '') throw new Error(`the Kubernetes API token file ${JSON.stringify(path)} is empty`);
        current = { token, readAt: now() };
        return token;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  return {
    token() {
      if (current !== undefined && now() - current.readAt < REREAD_AFTER_MS) return Promise.resolve(current.token);
      return read();
    },
    async reread() {
      const before = current?.token;
      current = undefined;
      try {
        return (await read()) !== before;
      } catch {
        return false;
      }
    },
  };
}
