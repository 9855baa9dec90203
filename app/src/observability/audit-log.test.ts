import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { AUDIT_FIELDS, auditFields, createAuditLog, type AuditEvent } from './audit-log.ts';
import { createRateLimitTally } from './audit-rate-limits.ts';
import { validateAudit } from '../config/validate-audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a line holds the event in fixed fields: time, service, stream, then the event, nothing else', () => {
  const lines: string[] = [];
  const audit = createAuditLog({ destination: 'stdout' }, { write: (line: string) => lines.push(line) }, () => Date.UTC(2026, 0, 2, 3, 4, 5));
  audit.record({ event: 'sign_in', outcome: 'success', user: 'alice', sub: 'a-1', requestId: 'r-1', peer: '127.0.0.1', forwardedFor: '203.0.113.9' });
  assert.equal(lines.length, 1);
  assert.ok(lines[0]?.endsWith('}\n'));
  assert.deepEqual(JSON.parse(lines[0] as string), {
    time: '2026-01-02T03:04:05.000Z', service: 'gatehouse', stream: 'audit', event: 'sign_in', outcome: 'success',
    user: 'alice', sub: 'a-1', requestId: 'r-1', peer: '127.0.0.1', forwardedFor: '203.0.113.9',
  });
});

test('property: whatever the event holds, a line has only documented fields, bounded text, and no forwarded value that is not addresses', () => {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('Bearer eyJhbGciOi.x.y', 'a\nb', '"quoted"'));
  const event = fc.record({
    event: fc.constantFrom('sign_in', 'sign_out', 'backchannel_logout', 'refresh_rejected', 'key_rotation', 'rate_limited', 'config_reload'),
    outcome: fc.constantFrom('success', 'failure'),
    reason: text, user: text, sub: text, requestId: text, peer: text, forwardedFor: fc.oneof(text, fc.constantFrom('10.0.0.1, 203.0.113.9', '[::1]:80')),
    sessionsEnded: fc.oneof(fc.nat(), fc.constant(Number.NaN)), everywhere: fc.boolean(), trigger: text, route: text, limit: text, hits: fc.nat(), keys: fc.nat(),
    // What a careless caller might add: it must never reach the line.
    idToken: text, password: text,
  }, { requiredKeys: ['event', 'outcome'] }) as fc.Arbitrary<AuditEvent>;
  fc.assert(
    fc.property(event, (e) => {
      const fields = auditFields(e);
      for (const [name, value] of Object.entries(fields)) {
        assert.ok(AUDIT_FIELDS.includes(name), name);
        if (typeof value === 'string') assert.ok(value.length <= 257, name);
        if (typeof value === 'number') assert.ok(Number.isFinite(value));
      }
      if (fields.forwardedFor !== undefined) assert.match(String(fields.forwardedFor), /^[0-9A-Fa-f.:\[\], ]+$/);
      // One line per event: JSON escapes every control character.
      assert.ok(!JSON.stringify(fields).includes('\n'));
    }),
    { seed: 15018, numRuns: 1000 },
  );
});

test('off writes nothing; a file is appended to, one JSON line per event, written before record returns', () => {
  const off = createAuditLog({ destination: 'off' }, undefined);
  assert.equal(off.enabled, false);
  off.record({ event: 'sign_in', outcome: 'success' });
  const path = join(dir, 'audit.jsonl');
  writeFileSync(path, '{"earlier":true}\n');
  const audit = createAuditLog({ destination: 'file', path }, undefined);
  audit.record({ event: 'config_reload', outcome: 'failure', reason: 'invalid', trigger: 'SIGHUP' });
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[1] as string).trigger, 'SIGHUP');
  audit.close();
});

test('rate-limit hits: the first per client at once, the rest summed per window, bounded in clients', async () => {
  const written: AuditEvent[] = [];
  const tally = createRateLimitTally((event) => written.push(event), 50);
  const hit = { route: '/oauth2/start', limit: 'per-client', peer: '10.0.0.1', requestId: 'r' };
  for (let i = 0; i < 100; i++) tally.hit(hit);
  tally.hit({ ...hit, peer: '10.0.0.2' });
  assert.deepEqual(written.map((e) => [e.peer, e.hits]), [['10.0.0.1', 1], ['10.0.0.2', 1]]);
  await sleep(120);
  assert.deepEqual(written.slice(2).map((e) => [e.peer, e.hits, e.requestId]), [['10.0.0.1', 99, undefined]]);
  tally.hit(hit);
  assert.equal(written.at(-1)?.hits, 1, 'a new window starts with a line at once');
  for (let i = 0; i < 10_050; i++) tally.hit({ ...hit, peer: `p${i}` });
  tally.close();
  const lines = written.length;
  assert.ok(lines <= 4 + 10_000 + 1, `${lines} lines for 10,050 clients`);
  assert.equal(written.at(-1)?.peer, undefined, 'clients past the bound are summed into one line without an address');
  assert.equal(written.at(-1)?.hits, 51);
});

test('GATEHOUSE_AUDIT_LOG: off, stdout, stderr or an absolute path in a directory that exists', () => {
  const check = (value: string) => {
    const problems: string[] = [];
    return { settings: validateAudit({ GATEHOUSE_AUDIT_LOG: value }, problems), problems };
  };
  assert.deepEqual(check('off'), { settings: { destination: 'off' }, problems: [] });
  assert.deepEqual(check('stderr'), { settings: { destination: 'stderr' }, problems: [] });
  assert.deepEqual(check(join(dir, 'a.jsonl')), { settings: { destination: 'file', path: join(dir, 'a.jsonl') }, problems: [] });
  assert.deepEqual(check('audit.log').problems, ['GATEHOUSE_AUDIT_LOG: "audit.log" is not off, stdout, stderr or an absolute file path']);
  assert.deepEqual(check(join(dir, 'missing', 'a.jsonl')).problems, [`GATEHOUSE_AUDIT_LOG: the directory of ${join(dir, 'missing', 'a.jsonl')} does not exist`]);
});
