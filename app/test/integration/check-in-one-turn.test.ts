/**
 * A check that needs no I/O is decided in the turn it arrived in: a signed-in session on the
 * memory store and a remembered Bearer token come back from the pipeline as an outcome, not a
 * promise, so the answer is written without a trip through the microtask queue.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createCheckPipeline } from '../../src/check/check-pipeline.ts';
import { NO_FACTS } from '../../src/policy/decide.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const requestWith = (headers: Record<string, string>): IncomingMessage =>
  ({ headers, headersDistinct: {}, url: '/oauth2/auth', method: 'GET', socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

describe('a check decided in one turn', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('a memory-store session: allow, deny and a missing session, each without a promise', async () => {
    const cookie = await h.signIn('alice');
    const pipeline = createCheckPipeline(h.server.deps);
    const check = (routeQuery: string, headers: Record<string, string>) => pipeline(requestWith(headers), { routeQuery, facts: () => NO_FACTS });
    const allowed = check('allowed_groups=admins', { cookie });
    assert.ok(!(allowed instanceof Promise));
    assert.equal(allowed.kind, 'allow');
    assert.ok(allowed.kind === 'allow' && allowed.headers.includes('alice'));
    // The same decision the second time, from the remembered one.
    const again = check('allowed_groups=admins', { cookie });
    assert.ok(!(again instanceof Promise) && again.kind === 'allow');
    const denied = check('allowed_groups=nobody', { cookie });
    assert.ok(!(denied instanceof Promise));
    assert.equal(denied.kind, 'deny');
    const missing = check('', {});
    assert.ok(!(missing instanceof Promise));
    assert.equal(missing.kind, 'unauthenticated');
  });
});
