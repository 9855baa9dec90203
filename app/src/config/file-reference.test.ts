import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseIdentityConfig } from '../identity/identity-config.ts';
import { CONFIG_FILE_KEYS } from './config-file.ts';
import { FILE_SECTIONS } from './file-reference.ts';

for (const section of FILE_SECTIONS) {
  test(`the documented example of ${section.keys.join(', ')} loads without problems`, () => {
    const parsed = parse(section.example) as Record<string, unknown>;
    for (const key of Object.keys(parsed)) assert.ok(section.keys.includes(key), `${key} is documented in this section`);
    const problems: string[] = [];
    parseIdentityConfig(parsed, problems);
    assert.deepEqual(problems, []);
  });
}

test('every documented key is a key the file accepts', () => {
  for (const key of FILE_SECTIONS.flatMap((section) => section.keys)) assert.ok(CONFIG_FILE_KEYS.includes(key), key);
});
