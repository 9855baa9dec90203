import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseAssertionKeys } from './assertion-key-pem.ts';

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']): string => key.export({ format: 'pem', type: 'pkcs8' }).toString();
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const ed25519 = generateKeyPairSync('ed25519').privateKey;

describe('assertion keys from PEM', () => {
  it('reads P-256 keys as ES256 and Ed25519 keys as EdDSA, in file order, PKCS#8 or SEC1', () => {
    const sec1 = p256.export({ format: 'pem', type: 'sec1' }).toString();
    const parsed = parseAssertionKeys(`${pkcs8(ed25519)}\n${sec1}`);
    assert.ok('keys' in parsed);
    assert.deepEqual(parsed.keys.map((k) => k.alg), ['EdDSA', 'ES256']);
  });

  it('refuses other keys by their place in the file, and files without a private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const publicOnly = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const encrypted = p256.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pass' }).toString();
    const parsed = parseAssertionKeys([pkcs8(p256), pkcs8(rsa), pkcs8(p384), publicOnly, encrypted].join('\n'));
    assert.ok('problems' in parsed);
    assert.deepEqual(parsed.problems, [
      'key 2 is an rsa key; use P-256 (ES256) or Ed25519 (EdDSA)',
      'key 3 is an ec secp384r1 key; use P-256 (ES256) or Ed25519 (EdDSA)',
      'key 4 is a PUBLIC KEY block; give unencrypted private keys (PRIVATE KEY or EC PRIVATE KEY)',
      'key 5 is encrypted; give unencrypted private keys (PRIVATE KEY or EC PRIVATE KEY)',
    ]);
    assert.deepEqual(parseAssertionKeys('not a key'), { problems: ['holds no PEM private key (-----BEGIN PRIVATE KEY-----)'] });
    assert.deepEqual(parseAssertionKeys('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), { problems: ['key 1 is not a readable private key'] });
  });
});
