/**
 * The sessions a load uses: real sign-ins through nginx (several per demo user), and the kinds of
 * cookies that must never pass — none at all, garbage, a live value with one character changed,
 * one sealed with a key gatehouse does not hold, and the cookie of a session that signed out.
 */
import { randomBytes } from 'node:crypto';
import { createSealer } from '../../app/src/session/seal.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import type { LoadSession } from './load-check.ts';

// mallory's claims are unusable (a header injection): every check of hers is refused, so she is not a valid session here.
const USERS = ['alice', 'bob', 'carol'];

/** Signs in `count` sessions and makes the invalid kinds, `invalidEach` of each. */
export async function prepareSessions(baseUrl: string, count: number, invalidEach = 2): Promise<LoadSession[]> {
  const valid: LoadSession[] = [];
  for (let i = 0; i < count; i++) {
    const user = USERS[i % USERS.length] as string;
    const { cookieHeader } = await signInOverHttp(baseUrl, { login: user, password: user, rd: '/api/' });
    valid.push({ kind: 'valid', valid: true, cookie: cookieHeader, user });
  }
  const sample = valid[0]?.cookie ?? '';
  const name = sample.slice(0, sample.indexOf('='));
  const value = sample.slice(sample.indexOf('=') + 1);
  const invalid: LoadSession[] = [];
  for (let i = 0; i < invalidEach; i++) {
    invalid.push({ kind: 'none', valid: false, cookie: undefined });
    invalid.push({ kind: 'garbage', valid: false, cookie: `${name}=${randomBytes(40).toString('base64url')}` });
    const at = 10 + i;
    const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    invalid.push({ kind: 'tampered', valid: false, cookie: `${name}=${flipped}` });
    const forged = createSealer([randomBytes(32)]).seal(randomBytes(24), 'session');
    invalid.push({ kind: 'forged', valid: false, cookie: `${name}=${forged}` });
    const user = USERS[i % USERS.length] as string;
    const { cookieHeader } = await signInOverHttp(baseUrl, { login: user, password: user, rd: '/api/' });
    await httpRequest(new URL('/oauth2/sign_out', baseUrl), { headers: { cookie: cookieHeader } });
    invalid.push({ kind: 'signed-out', valid: false, cookie: cookieHeader });
  }
  // Interleaved, so that every stretch of the load has both.
  const mixed: LoadSession[] = [];
  for (let i = 0; i < Math.max(valid.length, invalid.length); i++) {
    if (valid[i]) mixed.push(valid[i] as LoadSession);
    if (invalid[i]) mixed.push(invalid[i] as LoadSession);
  }
  return mixed;
}
