/**
 * `${VAR}` references in a parsed YAML tree, expanded from an environment record, as elastauth's
 * configuration examples use them (`password: "${ELASTICSEARCH_PASSWORD}"`).
 *
 * The grammar is deliberately narrower than a shell's:
 * - `${NAME}` with NAME matching `[A-Za-z_][A-Za-z0-9_]*` is replaced by the variable's value; a
 *   variable that is set but empty expands to the empty string (the setting's own check decides
 *   whether empty is acceptable), an unset one is a problem.
 * - `$${` is the escape for a literal `${`, so a password that really contains `${` can be written.
 * - A `$` not followed by `{` stays as it is: `$foo` is not a reference, because passwords with a
 *   `$` in them are common and silently emptying them would be worse than not expanding.
 * - Anything else after `${` (a default such as `${A:-b}`, an unclosed brace, a bad name) is a
 *   problem rather than left as text, so a mistyped reference never reaches a setting verbatim.
 *
 * Only string values change; mapping keys are never expanded, and an expanded value is never
 * scanned again, so a variable holding `${OTHER}` cannot pull in another variable.
 *
 * A string whose expansion fails is left out of the result (its key is absent, its list item
 * dropped): the problem is already reported, and later checks should not report it again as an
 * empty or malformed value.
 */

/** The environment to expand from; never `process.env` implicitly. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** Deeper nesting than this is refused; no real configuration comes close. */
const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Expands one string; problems name `where`. On a problem the result is undefined. */
export function expandString(text: string, env: EnvRecord, where: string, problems: string[]): string | undefined {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar === -1) {
      out += text.slice(index);
      break;
    }
    out += text.slice(index, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      index = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      out += '$';
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    const name = close === -1 ? '' : text.slice(dollar + 2, close);
    if (close === -1 || !NAME.test(name)) {
      problems.push(`${where}: malformed reference at character ${dollar + 1}; write \${NAME} (letters, digits, _) or $\${ for a literal \${`);
      return undefined;
    }
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value === undefined) {
      problems.push(`${where}: \${${name}} is not set`);
      return undefined;
    }
    out += value;
    index = close + 1;
  }
  return out;
}

function expandNode(node: unknown, env: EnvRecord, where: string, depth: number, problems: string[]): unknown {
  if (typeof node === 'string') return expandString(node, env, where === '' ? '(top level)' : where, problems);
  if (node === null || typeof node !== 'object') return node;
  if (depth >= MAX_DEPTH) {
    problems.push(`${where}: nested more than ${MAX_DEPTH} levels deep`);
    return node;
  }
  if (Array.isArray(node)) {
    return node
      .map((item, i) => expandNode(item, env, pathOf(where, i), depth + 1, problems))
      .filter((item) => item !== undefined);
  }
  // Object.fromEntries defines properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(
    Object.entries(node)
      .map(([key, value]) => [key, expandNode(value, env, pathOf(where, key), depth + 1, problems)] as const)
      .filter(([, value]) => value !== undefined),
  );
}

/**
 * Returns a copy of `tree` with `${VAR}` references in every string replaced from `env`.
 * Problems are appended, each naming its config path (`elasticsearch.hosts[1]: ${HOST} is not set`).
 * The input is never modified.
 */
export function expandEnvRefs<T>(tree: T, env: EnvRecord, problems: string[]): T {
  return expandNode(tree, env, '', 0, problems) as T;
}
