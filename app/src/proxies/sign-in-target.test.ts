import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTRACT_ENV } from '../../test/support/adapter-server.ts';
import { validateRedirect } from '../auth/redirect.ts';
import { loadConfig } from '../config/load-config.ts';
import { createSignInTarget, type TargetUrl } from './sign-in-target.ts';

const config = loadConfig({ ...CONTRACT_ENV });
const links = createSignInTarget(config);
const START = 'https://auth.example.com/oauth2/start?rd=';
const rdOf = (target: TargetUrl): string => {
  assert.ok(links);
  const { signIn, switchAccount, signOut } = links(target);
  assert.ok(signIn.startsWith(START), signIn);
  assert.equal(signOut, 'https://auth.example.com/oauth2/sign_out');
  const rd = decodeURIComponent(signIn.slice(START.length));
  assert.equal(switchAccount, `${signOut}?rd=${encodeURIComponent(rd)}`);
  return rd;
};

test('no browser sign-in configured: no links at all', () => {
  assert.equal(createSignInTarget({ ...config, proxies: { ...config.proxies, signinUrl: undefined } }), undefined);
});

test('an original URL on an allowed host returns there; on the sign-in origin a relative rd suffices', () => {
  assert.equal(rdOf({ scheme: 'https', host: 'app.example.com', uri: '/a?b=1&c=%2F' }), 'https://app.example.com/a?b=1&c=%2F');
  assert.equal(rdOf({ scheme: 'http', host: 'App.Example.com:8080', uri: '/' }), 'http://App.Example.com:8080/');
  assert.equal(rdOf({ scheme: 'https', host: 'example.com', uri: '/x' }), 'https://example.com/x');
  assert.equal(rdOf({ scheme: 'https', host: 'AUTH.example.com', uri: '/x?y=1' }), '/x?y=1');
});

test('foreign, look-alike and hostile originals never become the rd: it falls back to "/"', () => {
  const hostile: TargetUrl[] = [
    { scheme: 'https', host: 'evil.example', uri: '/' },
    { scheme: 'https', host: 'app.example.com.evil.example', uri: '/' },
    { scheme: 'https', host: 'notexample.com', uri: '/' },
    { scheme: 'https', host: 'example.com.evil.example', uri: '/' },
    { scheme: 'https', host: 'app.example.com@evil.example', uri: '/' },
    { scheme: 'https', host: 'app.example.com:443@evil.example', uri: '/' },
    { scheme: 'https', host: 'evil.example\\.example.com', uri: '/' },
    { scheme: 'https', host: 'javascript:alert(1)//app.example.com', uri: '/' },
    { scheme: 'https', host: 'app.example.com', uri: '//evil.example/' },
    { scheme: 'https', host: 'app.example.com', uri: '/\\evil.example' },
    { scheme: 'https', host: 'app.example.com', uri: '/%2e%2e%2fevil' },
    { scheme: 'https', host: 'app.example.com', uri: '/a/%2e%2e/%2e%2e/oauth2/callback' },
    { scheme: 'https', host: 'app.example.com', uri: '/a\t/b' },
    { scheme: 'https', host: 'app.example.com', uri: '/a\n/b' },
    { scheme: 'https', host: 'app.example.com', uri: '/oauth2/sign_out' },
    { scheme: 'https', host: 'auth.example.com', uri: '/oauth2/callback?code=x' },
    { scheme: 'https', host: 'auth.example.com', uri: '//evil.example' },
    { scheme: 'https', host: 'auth.example.com', uri: '/%2F%2Fevil.example' },
  ];
  for (const target of hostile) assert.equal(rdOf(target), '/', JSON.stringify(target));
});

test('every rd passes validateRedirect unchanged', () => {
  for (const target of [
    { scheme: 'https', host: 'app.example.com', uri: '/a?b=1' },
    { scheme: 'https', host: 'evil.example', uri: '/' },
    { scheme: 'https', host: 'auth.example.com', uri: '/x' },
  ] as const) {
    const rd = rdOf(target);
    assert.equal(validateRedirect(rd, config.allowedRedirectDomains), rd);
  }
});
