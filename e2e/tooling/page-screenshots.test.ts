// Each page the browser tests open has its screenshot under docs/pages/, shown in the README.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PAGES } from '../browser/page-flows.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('every page has a PNG screenshot in docs/pages/ that the README shows', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const { name } of PAGES) {
    const file = `docs/pages/${name}.png`;
    const png = readFileSync(join(ROOT, file));
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`);
    assert.ok(png.readUInt32BE(16) >= 600, `${file} is at least 600 pixels wide`);
    assert.match(readme, new RegExp(`!\\[[^\\]]+\\]\\(${file.replace('.', '\\.')}\\)`), `the README shows ${file}`);
  }
});
