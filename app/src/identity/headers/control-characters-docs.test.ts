// The README and docs/configuration.md say what happens to a claim value holding CR/LF; this holds
// both to what buildIdentityHeaders does: denied unencoded, sent encoded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildIdentityHeaders } from './build-headers.ts';
import { parseHeaderConfig } from './header-config.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const identity = { user: 'alice', groups: [], roles: [], claims: { department: 'R&D\r\nX-Injected: 1' } };

function headersWith(encoding: string) {
  const problems: string[] = [];
  const config = parseHeaderConfig({ claims: { include: ['department'], encoding } }, problems);
  assert.deepEqual(problems, []);
  return buildIdentityHeaders(identity, config);
}

test('a CR/LF claim is sent percent-encoded under encoding: url, and the README says so', () => {
  const built = headersWith('url');
  assert.equal(built.problem, undefined);
  assert.ok(built.headers.includes('R%26D%0D%0AX-Injected%3A%201'));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /`encoding: url` \(the default\) or `base64` carries it encoded \(`%0D%0A`\)/);
  assert.doesNotMatch(readme, /A value holding a control\s+character \(CR, LF, …\) never reaches a header: the session is denied/);
});

test('under encoding: none the same claim denies, as docs/configuration.md and the README say', () => {
  assert.deepEqual(headersWith('none'), { headers: [], problem: 'department' });
  const docs = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  assert.match(docs, /`none` \(a value with a control character then denies the user/);
  assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /a claim header with `encoding: none`, such a value denies/);
});
