/**
 * Evaluates role-mapping rules against a user and collects the roles of matching mappings.
 * Evaluation never throws: anything unexpected counts as "no match", so errors withhold roles
 * rather than grant them.
 */
import type { RoleMapping, Rule, UserData } from './types.ts';
import { userModel } from './user-model.ts';
import type { ValueTest } from './user-model.ts';

type Model = (field: string) => ValueTest;

function evaluate(rule: Rule, model: Model): boolean {
  switch (rule.kind) {
    case 'any':
      return rule.rules.some((r) => evaluate(r, model));
    case 'all':
      // With no children this is true, as Elastic's AllExpression documents.
      return rule.rules.every((r) => evaluate(r, model));
    case 'except':
      return !evaluate(rule.rule, model);
    case 'field': {
      const test = model(rule.field);
      return rule.values.some(test);
    }
  }
}

function safely(rule: Rule, model: Model): boolean {
  try {
    return evaluate(rule, model);
  } catch {
    return false;
  }
}

/** True when `user` satisfies `rule`. Never throws. */
export function matchRule(rule: Rule, user: UserData): boolean {
  return safely(rule, userModel(user));
}

/**
 * The union of the roles of every enabled mapping whose rules match `user`, without
 * duplicates, ordered by first appearance in mapping order; `matched` lists the names of those
 * mappings. Never throws.
 */
export function resolveRoles(
  mappings: readonly RoleMapping[],
  user: UserData,
): { roles: string[]; matched: string[] } {
  const model = userModel(user);
  const roles = new Set<string>();
  const matched: string[] = [];
  for (const mapping of mappings) {
    if (!mapping.enabled || !safely(mapping.rules, model)) continue;
    matched.push(mapping.name);
    for (const role of mapping.roles) roles.add(role);
  }
  return { roles: [...roles], matched };
}
