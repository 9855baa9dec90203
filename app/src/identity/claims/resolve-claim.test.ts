import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathSource } from './claims-config.ts';
import { resolveClaim } from './resolve-claim.ts';

const claims = {
  sub: 'u1',
  realm_access: { roles: ['admin', 'dev'] },
  resource_access: { app: { roles: ['viewer'] } },
  'http://example.info/claims/groups': ['finance-team'],
  'a.b': 'dotted-name',
  orgs: [{ name: 'x' }, { name: 'y' }],
  list: ['zero', 'one'],
};

test('dotted paths descend through objects', () => {
  assert.equal(resolveClaim(claims, pathSource('sub')), 'u1');
  assert.deepEqual(resolveClaim(claims, pathSource('realm_access.roles')), ['admin', 'dev']);
  assert.deepEqual(resolveClaim(claims, pathSource('resource_access.app.roles')), ['viewer']);
  assert.equal(resolveClaim(claims, pathSource('realm_access.missing')), undefined);
  assert.equal(resolveClaim(claims, pathSource('sub.length')), undefined, 'strings are not descended into');
});

test('an array before the last segment yields nothing; numeric segments are not indices', () => {
  assert.equal(resolveClaim(claims, pathSource('orgs.name')), undefined);
  assert.equal(resolveClaim(claims, pathSource('orgs.0.name')), undefined);
  assert.equal(resolveClaim(claims, pathSource('list.0')), undefined);
});

test('a claim source reads one exact top-level name, dots and all', () => {
  const uri = 'http://example.info/claims/groups';
  assert.deepEqual(resolveClaim(claims, { kind: 'claim', name: uri, label: uri }), ['finance-team']);
  assert.equal(resolveClaim(claims, { kind: 'claim', name: 'a.b', label: 'a.b' }), 'dotted-name');
  assert.equal(resolveClaim(claims, pathSource('a.b')), undefined, 'a path splits on dots');
});

test('inherited properties are never read', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.equal(resolveClaim(claims, pathSource(name)), undefined);
    assert.equal(resolveClaim(claims, { kind: 'claim', name, label: name }), undefined);
    assert.equal(resolveClaim(claims, pathSource(`realm_access.${name}`)), undefined);
  }
});
