/**
 * elastauth's `authelia` section: the names of the trusted identity headers.
 */
import { headerNameProblem } from '../../sources/trusted-headers/header-name.ts';
import { checkKnownKeys, own, readNonEmpty, readSection, type Translation } from './read-value.ts';

/** Each `authelia` key, its gatehouse variable and the default the schema applies when it is absent. */
const HEADERS: ReadonlyArray<readonly [key: string, variable: string, fallback: string]> = [
  ['header_username', 'GATEHOUSE_TRUSTED_HEADER_USER', 'Remote-User'],
  ['header_groups', 'GATEHOUSE_TRUSTED_HEADER_GROUPS', 'Remote-Groups'],
  ['header_email', 'GATEHOUSE_TRUSTED_HEADER_EMAIL', 'Remote-Email'],
  ['header_name', 'GATEHOUSE_TRUSTED_HEADER_NAME', 'Remote-Name'],
];

/** Translates `authelia.header_*`; only names that are given are emitted. */
export function translateAuthelia(value: unknown, out: Translation, problems: string[]): void {
  const section = readSection(value, 'authelia', problems);
  if (!section) return;
  checkKnownKeys(section, HEADERS.map(([key]) => key), 'authelia', problems);
  const effective = new Map<string, string>();
  for (const [key, variable, fallback] of HEADERS) {
    const where = `authelia.${key}`;
    const name = readNonEmpty(own(section, key), where, problems);
    const problem = name === undefined ? undefined : headerNameProblem(name, where);
    if (problem) problems.push(problem);
    else if (name !== undefined) out.env[variable] = name;
    const chosen = (problem ? undefined : name) ?? fallback;
    // Two fields read from one header would let the user name double as a group list.
    const clash = effective.get(chosen.toLowerCase());
    if (clash) problems.push(`${where}: "${chosen}" is also the header of authelia.${clash}; each field needs its own header`);
    else effective.set(chosen.toLowerCase(), key);
  }
}
