// `make help` is the first thing a newcomer runs: it must list every target the Makefile declares.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

test('make help lists every .PHONY target, each with its description', () => {
  const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
  const phony = /^\.PHONY:(.*)$/m.exec(makefile)?.[1]?.trim().split(/\s+/) ?? [];
  assert.ok(phony.length > 10, 'the Makefile declares its targets as .PHONY');
  // make runs `help` without setup: nothing is installed or built by it.
  const help = execFileSync('make', ['-s', '--no-print-directory', 'help'], { cwd: ROOT, encoding: 'utf8' });
  for (const target of phony) {
    assert.match(help, new RegExp(`^  make ${target} +\\S`, 'm'), `make help lists ${target}`);
  }
});
