import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV as valid } from '../../test/support/config-env.ts';

test('the defaults: 120 requests a minute per address and route, 10 sign-ins in progress per browser, 10,000 in all', () => {
  assert.deepEqual(loadConfig(valid).signInLimits, { rate: { limit: 120, windowMs: 60_000 }, maxPendingPerBrowser: 10, maxPending: 10_000 });
});

test('set limits are carried into the frozen config', () => {
  const config = loadConfig({
    ...valid,
    GATEHOUSE_SIGNIN_RATE_LIMIT: '30',
    GATEHOUSE_SIGNIN_RATE_WINDOW: '5m',
    GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: '3',
    GATEHOUSE_MAX_PENDING_SIGNINS: '500',
  });
  assert.deepEqual(config.signInLimits, { rate: { limit: 30, windowMs: 300_000 }, maxPendingPerBrowser: 3, maxPending: 500 });
  assert.ok(Object.isFrozen(config.signInLimits));
});

test('each limit must be a positive whole number, and the message names the variable', () => {
  for (const name of ['GATEHOUSE_SIGNIN_RATE_LIMIT', 'GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER', 'GATEHOUSE_MAX_PENDING_SIGNINS']) {
    for (const bad of ['0', '-1', '1.5', 'ten', '']) {
      const problems = problemsOf({ ...valid, [name]: bad });
      assert.ok(problems.some((p) => p.includes(name)), `${name}=${bad}: ${problems.join('; ')}`);
    }
  }
  assert.ok(problemsOf({ ...valid, GATEHOUSE_SIGNIN_RATE_WINDOW: 'soon' }).some((p) => p.includes('GATEHOUSE_SIGNIN_RATE_WINDOW')));
});

test('every problem of the limits together is named, all at once', () => {
  const problems = problemsOf({
    ...valid,
    GATEHOUSE_SIGNIN_RATE_WINDOW: '500ms',
    GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: '51',
    GATEHOUSE_MAX_PENDING_SIGNINS: '20',
  });
  for (const expected of [
    'GATEHOUSE_SIGNIN_RATE_WINDOW must be at least 1s',
    'GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER must be at most 50',
    'GATEHOUSE_MAX_PENDING_SIGNINS must be at least GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER',
  ]) {
    assert.ok(problems.some((p) => p.startsWith(expected)), `${expected} in ${problems.join('; ')}`);
  }
  assert.ok(problemsOf({ ...valid, GATEHOUSE_SIGNIN_RATE_WINDOW: '2h' }).some((p) => p.startsWith('GATEHOUSE_SIGNIN_RATE_WINDOW must be at most 1h')));
});
