/**
 * Writes the parameters table of chart/README.md from the `# --` comments in chart/values.yaml
 * (`make chart-docs`); with `--check`, changes nothing and exits 1 when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chartParameters, parametersTable, withParametersTable } from './chart-parameters.ts';

const chartDir = join(resolve(import.meta.dirname, '..'), 'chart');
const readmePath = join(chartDir, 'README.md');
const { parameters, undocumented } = chartParameters(chartDir);
if (undocumented.length > 0) {
  process.stderr.write(`render-chart-docs: no "# --" comment above ${undocumented.join(', ')} in chart/values.yaml\n`);
  process.exit(1);
}
const current = readFileSync(readmePath, 'utf8');
const next = withParametersTable(current, parametersTable(parameters));
if (process.argv.includes('--check')) {
  if (next !== current) {
    process.stderr.write('render-chart-docs: chart/README.md is out of date; run `make chart-docs`\n');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(readmePath, next);
  process.stdout.write(`render-chart-docs: wrote ${parameters.length} parameters to chart/README.md\n`);
}
