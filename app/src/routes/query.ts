/** First-value query access: a repeated key counts only its first value, never merged. */
import type { Request } from 'express';

/** The raw query string of a request, without "?". */
export function rawQueryOf(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** The first value of query parameter `name`, decoded; undefined when absent or undecodable. */
export function firstQueryValue(req: Request, name: string): string | undefined {
  try {
    return new URLSearchParams(rawQueryOf(req)).get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
