/** Writes docs/configuration.md from the configuration schema. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationReference } from '../app/src/config/reference.ts';

writeFileSync(join(import.meta.dirname, '../docs/configuration.md'), renderConfigurationReference());
