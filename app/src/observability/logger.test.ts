import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.ts';

test('cookies, Authorization and tokens never reach a log line', () => {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  logger.info(
    {
      req: { headers: { cookie: 'gatehouse=secret-cookie', authorization: 'Bearer secret-bearer' } },
      headers: { cookie: 'c=secret-2', authorization: 'Basic secret-3' },
      session: { idToken: 'secret-id', accessToken: 'secret-at', refreshToken: 'secret-rt' },
      tokens: { id_token: 'secret-4', access_token: 'secret-5', refresh_token: 'secret-6' },
      user: 'alice',
    },
    'something happened',
  );
  const out = lines.join('');
  assert.ok(!/secret/.test(out), out);
  assert.match(out, /"user":"alice"/);
  assert.match(out, /\[redacted\]/);
});
