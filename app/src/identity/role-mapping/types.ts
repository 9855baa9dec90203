/**
 * Shapes shared by the role-mapping parser and matcher.
 *
 * The rule tree mirrors Elastic's role-mapping DSL (`any`, `all`, `except`, `field`) after
 * validation, so matching never has to re-check the input.
 */

/** A compiled string matcher built once from configuration; `test` never throws. */
export interface StringPattern {
  /** The configured value, kept because DN subtree matching (`*,<dn>`) inspects it. */
  readonly source: string;
  test(value: string): boolean;
}

/** One value of a `field` rule. */
export type FieldValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** Already truncated to an integer, as Elastic reads rule numbers with `longValue()`. */
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string; readonly pattern?: StringPattern };

/** A validated rule. */
export type Rule =
  | { readonly kind: 'any'; readonly rules: readonly Rule[] }
  | { readonly kind: 'all'; readonly rules: readonly Rule[] }
  | { readonly kind: 'except'; readonly rule: Rule }
  | { readonly kind: 'field'; readonly field: string; readonly values: readonly FieldValue[] };

/** A validated role mapping. */
export interface RoleMapping {
  readonly name: string;
  readonly enabled: boolean;
  readonly roles: readonly string[];
  readonly rules: Rule;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The user attributes that rules can test. */
export interface UserData {
  username: string;
  dn?: string;
  groups: string[];
  metadata: Record<string, unknown>;
  realm?: { name: string };
}
