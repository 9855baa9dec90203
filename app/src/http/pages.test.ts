import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createDenialNotes } from './denial-notes.ts';
import { renderDeniedPage, UNUSABLE_TITLE } from './denied-page.ts';
import { PAGE_CSP, renderPage } from './html-page.ts';

const denied = {
  user: 'bob',
  requestId: 'req-1',
  needs: [] as string[],
  signOutUrl: 'http://app.localtest/oauth2/sign_out',
  switchAccountUrl: 'http://app.localtest/oauth2/sign_out?rd=%2Fadmin',
};

test('the CSP allows exactly the inline style of the page, by its hash, and nothing else', () => {
  const html = renderPage('Title', ['text']);
  const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(style).digest('base64');
  assert.match(PAGE_CSP, new RegExp(`style-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}'`));
  assert.match(PAGE_CSP, /default-src 'none'/);
  assert.doesNotMatch(PAGE_CSP, /unsafe-inline|script-src/);
  assert.doesNotMatch(html, /<script|style=/);
});

test('every value on the denied page is escaped', () => {
  const html = renderDeniedPage({
    ...denied,
    user: '<img src=x onerror=alert(1)>',
    requestId: '"><b>',
    needs: ['membership of <admins>'],
    switchAccountUrl: 'javascript:"x"',
  });
  assert.doesNotMatch(html, /<img|<b>|<admins>/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /href="javascript:&quot;x&quot;"/);
});

test('without details the denied page says only that access is not allowed', () => {
  const html = renderDeniedPage(denied);
  assert.match(html, /<h1>Access denied<\/h1>/);
  assert.match(html, /signed in as <strong id="denied-user">bob<\/strong>/);
  assert.match(html, /not allowed to use this application/);
  assert.doesNotMatch(html, /needs/);
  assert.match(html, /id="switch-account" href="http:\/\/app\.localtest\/oauth2\/sign_out\?rd=%2Fadmin">Sign in as someone else/);
  assert.match(html, /id="sign-out" href="http:\/\/app\.localtest\/oauth2\/sign_out">Sign out/);
  assert.match(html, /Request ID: <span id="request-id">req-1<\/span>/);
});

test('with details the denied page lists what the app needs', () => {
  const html = renderDeniedPage({ ...denied, needs: ['membership of admins', 'an email address at example.com'] });
  assert.match(html, /<ul id="needs"><li>membership of admins<\/li><li>an email address at example\.com<\/li><\/ul>/);
});

test('an account with an unusable claim is told so, not that it lacks a group', () => {
  const html = renderDeniedPage({ ...denied, needs: ['membership of admins'], reasons: ['claim-control-character'] });
  assert.match(html, new RegExp(`<h1>${UNUSABLE_TITLE}</h1>`));
  assert.match(html, /control character/);
  assert.doesNotMatch(html, /membership of admins/);
});

test('a denial note is read once, only by the user it was written for, and only while fresh', () => {
  let clock = 0;
  const notes = createDenialNotes({ ttlMs: 1000, now: () => clock });
  notes.note('r1', 'bob', ['membership of admins']);
  assert.equal(notes.take('r1', 'mallory'), undefined, 'another user reads nothing');
  assert.equal(notes.take('r1', 'bob'), undefined, 'and the note is gone');
  notes.note('r2', 'bob', ['membership of admins']);
  assert.deepEqual(notes.take('r2', 'bob'), ['membership of admins']);
  assert.equal(notes.take('r2', 'bob'), undefined);
  notes.note('r3', 'bob', ['x']);
  clock = 1001;
  assert.equal(notes.take('r3', 'bob'), undefined, 'expired');
});

test('the notes are bounded: the oldest make room', () => {
  const notes = createDenialNotes({ maxEntries: 2 });
  notes.note('a', 'u', ['1']);
  notes.note('b', 'u', ['2']);
  notes.note('c', 'u', ['3']);
  assert.equal(notes.take('a', 'u'), undefined);
  assert.deepEqual(notes.take('b', 'u'), ['2']);
  assert.deepEqual(notes.take('c', 'u'), ['3']);
});
