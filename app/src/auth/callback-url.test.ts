import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { allowedOrigin, createCallbackUrls } from './callback-url.ts';

const ALLOWED = ['app1.example.com', '.example.org'];

test('only a listed host, with an optional port, becomes an origin', () => {
  assert.equal(allowedOrigin('app1.example.com', 'https', ALLOWED), 'https://app1.example.com');
  assert.equal(allowedOrigin('APP1.Example.com:8443', 'https', ALLOWED), 'https://app1.example.com:8443');
  assert.equal(allowedOrigin('shop.example.org', 'http', ALLOWED), 'http://shop.example.org');
  assert.equal(allowedOrigin('example.org', 'https', ALLOWED), 'https://example.org');
  for (const host of [undefined, '', 'evil.example', 'app1.example.com.evil.example', 'evilexample.org', 'app1.example.com:99999', 'app1.example.com:', 'user@app1.example.com', 'app1.example.com/x', 'app1.example.com#', '[::1]:80', 'app1.example.com\t']) {
    assert.equal(allowedOrigin(host, 'https', ALLOWED), undefined, String(host));
  }
});

test('with GATEHOUSE_REDIRECT_URL the callback is fixed; without it, per host or a 400', () => {
  const cookie = { name: 'gatehouse', domain: undefined, secure: true, keys: [], keysFile: undefined, keysGenerated: false };
  const fixed = createCallbackUrls({
    login: { redirectUrl: new URL('https://auth.example.com/oauth2/callback'), postLogoutRedirectUrl: new URL('https://auth.example.com/oauth2/signed_out') },
    cookie,
    allowedRedirectDomains: ALLOWED,
  });
  assert.equal(fixed.perHost, false);
  assert.equal(fixed.forSignIn('evil.example'), undefined, 'the configured callback; Host is not read');
  assert.equal(fixed.postLogout('evil.example'), 'https://auth.example.com/oauth2/signed_out');
  const perHost = createCallbackUrls({ login: { redirectUrl: undefined, postLogoutRedirectUrl: undefined }, cookie, allowedRedirectDomains: ALLOWED });
  assert.equal(perHost.forSignIn('shop.example.org'), 'https://shop.example.org/oauth2/callback');
  assert.equal(perHost.postLogout('shop.example.org'), 'https://shop.example.org/oauth2/signed_out');
  assert.equal(perHost.postLogout('evil.example'), undefined);
  assert.throws(() => perHost.forSignIn('evil.example'), (err) => err instanceof AppError && err.status === 400 && /evil\.example/.test(err.detail ?? ''));
  assert.throws(() => perHost.forSignIn(undefined), (err) => err instanceof AppError && err.status === 400);
});
