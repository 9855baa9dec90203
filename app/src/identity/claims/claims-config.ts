/**
 * The parsed form of the `claims` config section: where each identity field comes from and
 * which pattern, if any, extracts its value.
 */

/** Where a claim value is read from. */
export type ClaimSource =
  /** A dotted path through nested objects, e.g. `realm_access.roles`. */
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly label: string }
  /** One top-level claim named exactly, e.g. a URI such as `https://example.com/claims/groups`. */
  | { readonly kind: 'claim'; readonly name: string; readonly label: string };

/** How one identity field is mapped. */
export interface FieldMapping {
  readonly source: ClaimSource;
  /** Compiled once at parse time; its first capture group becomes the value. */
  readonly pattern?: RegExp;
}

/**
 * When the UserInfo endpoint should be used: `always` when configured, `auto` only when the ID
 * token lacks a mapped claim, `never` not at all.
 */
export type UserinfoMode = 'auto' | 'always' | 'never';

/** The identity fields that claims map to. */
export type IdentityField = 'username' | 'email' | 'groups' | 'name' | 'dn';

/** The identity fields in reporting order. */
export const IDENTITY_FIELDS: readonly IdentityField[] = ['username', 'email', 'groups', 'name', 'dn'];

/** A parsed `claims` section. Optional fields that are absent are not mapped at all. */
export interface ClaimsConfig {
  readonly username: FieldMapping;
  readonly email?: FieldMapping;
  readonly groups?: FieldMapping;
  readonly name?: FieldMapping;
  readonly dn?: FieldMapping;
  readonly userinfo: UserinfoMode;
  readonly allowUnanchoredPatterns: boolean;
}

/** The claim each field is read from when the config does not say; `dn` has none. */
export const DEFAULT_CLAIM_PATHS: Readonly<Record<IdentityField, string | undefined>> = {
  username: 'sub',
  email: 'email',
  groups: 'groups',
  name: 'name',
  dn: undefined,
};

/** Builds a path source from a dotted path that is already known to be well formed. */
export function pathSource(path: string): ClaimSource {
  return { kind: 'path', segments: path.split('.'), label: path };
}

/** The config used when the section is absent. */
export function defaultClaimsConfig(): ClaimsConfig {
  return {
    username: { source: pathSource('sub') },
    email: { source: pathSource('email') },
    groups: { source: pathSource('groups') },
    name: { source: pathSource('name') },
    userinfo: 'auto',
    allowUnanchoredPatterns: false,
  };
}
