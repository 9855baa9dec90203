import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createCheckLog } from './check-log.ts';

test('writes one parseable JSON line with the decision and reasons', () => {
  const lines: string[] = [];
  const log = createCheckLog({ write: (l) => lines.push(l) }, 'info');
  log({ requestId: 'r-1', status: 403, result: 'deny', reasons: ['group-unauthorized'], user: 'bob', ms: 0.25 });
  log({ requestId: 'r-2', status: 401, result: 'unauthenticated', reasons: ['session-missing'], user: undefined, ms: 0.1 });
  assert.equal(lines.length, 0, 'batched');
  log.flush();
  assert.equal(lines.length, 1, 'one write for the batch');
  lines.splice(0, 1, ...(lines[0] ?? '').split('\n').filter(Boolean).map((l) => `${l}\n`));
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0] ?? '');
  assert.equal(first.msg, 'auth check');
  assert.equal(first.level, 'info');
  assert.deepEqual(first.reasons, ['group-unauthorized']);
  assert.equal(first.user, 'bob');
  assert.ok(!Number.isNaN(Date.parse(first.time)));
  assert.equal(JSON.parse(lines[1] ?? '').user, undefined);
});

test('flushes by itself shortly after, or at once when much is pending', async () => {
  const lines: string[] = [];
  const log = createCheckLog({ write: (l) => lines.push(l) }, 'info');
  log({ requestId: 'r', status: 200, result: 'allow', reasons: ['no-policy'], user: 'a', ms: 1 });
  for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(lines.length, 1, 'written within the flush interval');
  for (let i = 0; i < 400; i++) log({ requestId: 'r', status: 200, result: 'allow', reasons: ['no-policy'], user: 'u'.repeat(200), ms: 1 });
  assert.ok(lines.length >= 2, 'a large batch is written without waiting');
  log.flush();
});

test('stays valid JSON on one line whatever the user name holds', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (user, requestId) => {
      const lines: string[] = [];
      const log = createCheckLog({ write: (l) => lines.push(l) }, 'debug');
      log({ requestId, status: 200, result: 'allow', reasons: ['no-policy'], user, ms: 1 });
      log.flush();
      assert.equal(lines[0]?.split('\n').length, 2);
      assert.equal(JSON.parse(lines[0] ?? '').user, user);
    }),
  );
});

test('writes nothing above info', () => {
  const lines: string[] = [];
  const log = createCheckLog({ write: (l) => lines.push(l) }, 'warn');
  log({ requestId: 'r', status: 200, result: 'allow', reasons: [], user: 'a', ms: 1 });
  log.flush();
  assert.equal(lines.length, 0);
});

test('lines stay exact for more distinct users and reason lists than it remembers, and for each request id', () => {
  const lines: string[] = [];
  const log = createCheckLog({ write: (l) => lines.push(l) }, 'info');
  const sent: Array<{ requestId: string; user: string; reasons: string[] }> = [];
  for (let i = 0; i < 5000; i++) {
    const entry = { requestId: i % 3 === 0 ? `id "${i}"\n` : `abc-${i}`, user: `user-${i % 4500}`, reasons: i % 2 === 0 ? [`r-${i % 4200}`] : ['a', `b-${i}`] };
    sent.push(entry);
    log({ ...entry, status: 200, result: 'allow', ms: i / 1000 });
  }
  log.flush();
  const parsed = lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed.length, sent.length);
  parsed.forEach((line, i) => {
    assert.equal(line.requestId, sent[i]?.requestId);
    assert.equal(line.user, sent[i]?.user);
    assert.deepEqual(line.reasons, sent[i]?.reasons);
    assert.equal(line.ms, i / 1000);
  });
});

test('to a destination that takes bytes, a batch is its lines in UTF-8, whatever they hold', () => {
  const batches: Buffer[] = [];
  const strings: string[] = [];
  const log = createCheckLog({ write: (l) => strings.push(l), writeBytes: (b) => batches.push(Buffer.from(b)) }, 'info');
  const users = ['alice', 'zoë', '名前', '\u2028', 'a"b\\c', '\ud800'];
  for (const user of users) log({ requestId: 'r-1', status: 200, result: 'allow', reasons: ['no-policy'], user, ms: 0.5 });
  log({ requestId: 'id with spaces ✓', status: 401, result: 'unauthenticated', reasons: ['session-missing'], user: undefined, ms: 1 });
  log.flush();
  assert.equal(strings.length, 0);
  assert.equal(batches.length, 1);
  const lines = (batches[0] ?? Buffer.alloc(0)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.slice(0, users.length).map((l) => l.user), users);
  assert.equal(lines[users.length].requestId, 'id with spaces ✓');
  // Every byte ASCII: the batch is the same read as Latin-1 or as UTF-8.
  assert.ok((batches[0] ?? Buffer.alloc(0)).every((byte) => byte < 0x80));
});

test('a batch is written as soon as it is full, and a line longer than a batch on its own, in order', () => {
  const written: string[] = [];
  const log = createCheckLog({ write: (l) => written.push(`text:${l}`), writeBytes: (b) => written.push(`bytes:${b.toString('latin1')}`) }, 'info');
  for (let i = 0; i < 2000; i++) log({ requestId: `r-${i}`, status: 200, result: 'allow', reasons: ['no-policy'], user: 'u'.repeat(40), ms: 1 });
  log({ requestId: 'long', status: 200, result: 'allow', reasons: ['no-policy'], user: 'v'.repeat(100_000), ms: 1 });
  log({ requestId: 'after', status: 200, result: 'allow', reasons: ['no-policy'], user: 'w', ms: 1 });
  log.flush();
  const ids = written.flatMap((chunk) => chunk.replace(/^(text|bytes):/, '').trim().split('\n')).map((l) => JSON.parse(l).requestId);
  assert.deepEqual(ids, [...Array.from({ length: 2000 }, (_, i) => `r-${i}`), 'long', 'after']);
  assert.ok(written.filter((c) => c.startsWith('bytes:')).length >= 3, 'several full batches');
  assert.ok(written.some((c) => c.startsWith('text:') && c.includes('v'.repeat(100_000))), 'the long line on its own');
});
