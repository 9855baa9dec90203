/**
 * Cookie keys rotate without signing anyone out: keys come from a mounted file, a change is picked
 * up without a restart, old keys keep unsealing while listed, and a bad file keeps the keys in use.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, type Harness } from '../support/harness.ts';

const key = (): string => randomBytes(32).toString('base64');

describe('cookie key rotation from a mounted file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-keys-')), 'cookie-secret');
  const oldKey = key();
  const newKey = key();
  let h: Harness;
  before(async () => {
    writeFileSync(file, `${oldKey}\n`);
    h = await startHarness({ GATEHOUSE_COOKIE_SECRET: '', GATEHOUSE_COOKIE_SECRET_FILE: file }, { keyFilePollMs: 50 });
  });
  after(async () => {
    await h.stop();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  const check = async (cookie: string) => (await h.request('/oauth2/auth', { headers: { cookie } })).status;
  const waitForLog = async (msg: string, count: number): Promise<void> => {
    for (let i = 0; i < 100 && h.logs.filter((l) => l.msg === msg).length < count; i++) await sleep(20);
    assert.equal(h.logs.filter((l) => l.msg === msg).length, count, msg);
  };

  it('a new first key seals new sessions while the old key still opens existing ones', async () => {
    const before = await h.signIn('alice');
    writeFileSync(file, `${newKey},${oldKey}\n`);
    await waitForLog('cookie keys reloaded', 1);
    assert.equal(await check(before), 200, 'signed in before the rotation, still signed in');
    const afterRotation = await h.signIn('alice');
    assert.equal(await check(afterRotation), 200);

    writeFileSync(file, 'not a key at all\n');
    await waitForLog('cookie key file holds no valid keys; keeping the current keys', 1);
    assert.equal(await check(before), 200, 'a bad file changes nothing');

    writeFileSync(file, `${newKey}\n`);
    await waitForLog('cookie keys reloaded', 2);
    assert.equal(await check(before), 401, 'once the old key is removed its cookies stop working');
    assert.equal(await check(afterRotation), 200);
  });
});
