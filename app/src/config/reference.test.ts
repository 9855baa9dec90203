import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderConfigurationReference } from './reference.ts';
import { ENV_SCHEMA } from './schema.ts';

test('docs/configuration.md matches the schema (run `make docs` after changing it)', () => {
  const file = join(import.meta.dirname, '../../../docs/configuration.md');
  assert.equal(readFileSync(file, 'utf8'), renderConfigurationReference());
});

test('every variable has a description', () => {
  for (const [name, spec] of Object.entries(ENV_SCHEMA)) {
    assert.ok((spec as { desc?: string }).desc, name);
  }
});
