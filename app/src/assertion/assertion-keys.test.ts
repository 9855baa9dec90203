import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { calculateJwkThumbprint } from 'jose';
import { createLogger } from '../observability/logger.ts';
import { createAssertionKeys, type AssertionKeys } from './assertion-keys.ts';

const logs: Array<Record<string, unknown>> = [];
const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
const pem = (curve: 'P-256' | 'ed25519'): string =>
  (curve === 'P-256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const kids = (keys: AssertionKeys): string[] => (JSON.parse(keys.jwks()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), 'condition never held');
}

describe('assertion keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-assertion-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes each key of the file under its RFC 7638 thumbprint, and the first signs', async () => {
    const file = join(dir, 'two.pem');
    writeFileSync(file, `${pem('ed25519')}${pem('P-256')}`);
    const keys = await createAssertionKeys({ issuer: 'https://auth.example.com', keyFile: file, ttlMs: 60_000 }, { logger, now: Date.now });
    try {
      const jwks = JSON.parse(keys.jwks()) as { keys: Array<Record<string, string>> };
      assert.deepEqual(jwks.keys.map((k) => [k.kty, k.crv, k.alg, k.use]), [['OKP', 'Ed25519', 'EdDSA', 'sig'], ['EC', 'P-256', 'ES256', 'sig']]);
      for (const jwk of jwks.keys) {
        assert.equal(jwk.d, undefined, 'never the private part');
        const { kid, alg: _alg, use: _use, ...members } = jwk;
        assert.equal(kid, await calculateJwkThumbprint(members as never));
      }
      assert.equal(keys.signing().kid, jwks.keys[0]?.kid);
      assert.equal(keys.signing().alg, 'EdDSA');
    } finally {
      keys.close();
    }
  });

  it('a key that leaves the file stays published one assertion lifetime, then goes', async () => {
    const file = join(dir, 'rotating.pem');
    writeFileSync(file, pem('P-256'));
    let now = Date.now();
    const keys = await createAssertionKeys({ issuer: 'https://auth.example.com', keyFile: file, ttlMs: 60_000 }, { logger, now: () => now, pollMs: 20 });
    try {
      const [oldKid] = kids(keys);
      const before = keys.generation();
      writeFileSync(file, pem('P-256'));
      await until(() => keys.generation() !== before);
      const newKid = keys.signing().kid;
      assert.notEqual(newKid, oldKid);
      assert.deepEqual(kids(keys), [newKid, oldKid], 'the old key still verifies what it signed');
      now += 59_000;
      assert.deepEqual(kids(keys), [newKid, oldKid]);
      now += 1_000;
      assert.deepEqual(kids(keys), [newKid], 'gone once its last assertion has expired');

      writeFileSync(file, 'garbage');
      await until(() => logs.some((l) => l.msg === 'assertion key file holds unusable keys; keeping the current keys'));
      assert.equal(keys.signing().kid, newKid, 'a bad file changes nothing');
    } finally {
      keys.close();
    }
  });

  it('without a file, makes one P-256 key for this process', async () => {
    const a = await createAssertionKeys({ issuer: 'https://auth.example.com', keyFile: undefined, ttlMs: 60_000 }, { logger, now: Date.now });
    const b = await createAssertionKeys({ issuer: 'https://auth.example.com', keyFile: undefined, ttlMs: 60_000 }, { logger, now: Date.now });
    assert.equal(a.signing().alg, 'ES256');
    assert.notEqual(a.signing().kid, b.signing().kid, 'two processes, two keys: why several replicas need the file');
    assert.deepEqual(kids(a), [a.signing().kid]);
  });
});
