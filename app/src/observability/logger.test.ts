import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

test('standard output takes lines and byte batches in one queue, in order, and nothing is lost at the end', () => {
  // A child process, as standard output is the process's own.
  const script = [
    `import { createStdoutDestination, createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};`,
    'const out = createStdoutDestination();',
    "const log = createLogger('info', out);",
    "log.info({ n: 1 }, 'first');",
    "out.writeBytes(Buffer.from('{\"batch\":2}\\n{\"batch\":3}\\n', 'latin1'));",
    "log.info({ user: 'zoë' }, 'fourth');",
    // The queue drains in order; then whatever is queued at shutdown is written before the exit.
    'await new Promise((resolve) => setTimeout(resolve, 200));',
    "log.info('fifth');",
    "out.writeBytes(Buffer.from('{\"batch\":6}\\n', 'latin1'));",
    'out.flushSync();',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.slice(0, 4).map((l) => l.msg ?? l.batch), ['first', 2, 3, 'fourth']);
  assert.deepEqual(lines.slice(4).map((l) => l.msg ?? l.batch).sort(), [6, 'fifth'].sort());
  assert.equal(lines[3].user, 'zoë', 'text is UTF-8 on the way out');
});
