/**
 * The contract every identity source keeps, run against each one: no credential is "not
 * present" and never an identity; an invalid credential is present and 401 (or a 5xx when the
 * source cannot tell), never an identity; a valid one is present and names an identity with the
 * source's name; garbage never throws.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { it } from 'node:test';
import type { IdentitySource } from './identity-source.ts';

/** The requests a source is tried with. */
export interface SourceCase {
  readonly source: () => IdentitySource;
  /** Headers carrying a valid credential of the source, naming `user`. */
  readonly valid: () => IncomingHttpHeaders;
  readonly user: string;
  /** Headers carrying this source's credential in an invalid form. */
  readonly invalid: () => readonly IncomingHttpHeaders[];
  /** The peer address requests come from. */
  readonly remoteAddress?: string;
}

/** A request as a source sees it: headers, their distinct values, and the peer address. */
export function requestWith(headers: IncomingHttpHeaders, remoteAddress = '127.0.0.1'): IncomingMessage {
  const distinct: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) distinct[name] = Array.isArray(value) ? value : [value];
  return { headers, headersDistinct: distinct, socket: { remoteAddress }, url: '/', method: 'GET' } as unknown as IncomingMessage;
}

const GARBAGE: readonly IncomingHttpHeaders[] = [
  { authorization: 'Bearer' },
  { authorization: `Bearer ${'a'.repeat(20_000)}` },
  { authorization: 'Basic \u0000\u0001' },
  { cookie: '=;=;;gatehouse' },
  { cookie: `gatehouse=${'%'.repeat(5000)}` },
  { 'remote-user': '\r\nroot' },
  { 'remote-user': ['a', 'b'] as unknown as string },
];

/** Runs the contract for one source. */
export function sourceContract(c: SourceCase): void {
  const request = (headers: IncomingHttpHeaders): IncomingMessage => requestWith(headers, c.remoteAddress);

  it('a request without its credential: not present, and never an identity', async () => {
    const source = c.source();
    const req = request({ accept: 'text/html' });
    assert.equal(source.present(req), false);
    const who = await source.identify(req);
    assert.equal(who.state, 'unauthenticated');
    if (who.state === 'unauthenticated') assert.equal(who.reason, source.missing);
  });

  it('an invalid credential: present, and 401 or 5xx, never an identity', async () => {
    const source = c.source();
    for (const headers of c.invalid()) {
      const req = request(headers);
      assert.equal(source.present(req), true, JSON.stringify(headers).slice(0, 80));
      const who = await source.identify(req);
      assert.notEqual(who.state, 'identified', JSON.stringify(headers).slice(0, 80));
    }
  });

  it('a valid credential: present, and an identity named with the source', async () => {
    const source = c.source();
    const req = request(c.valid());
    assert.equal(source.present(req), true);
    const who = await source.identify(req);
    assert.equal(who.state, 'identified');
    if (who.state === 'identified') {
      assert.equal(who.identity.user, c.user);
      assert.equal(who.source, source.name);
    }
  });

  it('garbage never throws and never names an identity', async () => {
    const source = c.source();
    for (const headers of GARBAGE) {
      const req = request(headers);
      assert.doesNotThrow(() => source.present(req));
      const who = await source.identify(req);
      assert.notEqual(who.state, 'identified', JSON.stringify(headers).slice(0, 80));
    }
  });
}
