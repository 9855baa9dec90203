/**
 * The documented sections of the config file (GATEHOUSE_CONFIG_FILE), each with a meaning and an
 * example. The reference renders them into docs/configuration.md, and a test parses every example,
 * so the documentation can neither drift from nor contradict the parser.
 */

/** One documented section. */
export interface FileSection {
  /** The top-level key(s). */
  readonly keys: readonly string[];
  readonly title: string;
  /** Markdown paragraphs. */
  readonly meaning: string;
  /** A YAML example that loads without problems. */
  readonly example: string;
}

/** The identity-model sections, in the order a reader needs them. */
export const FILE_SECTIONS: readonly FileSection[] = Object.freeze([
  {
    keys: ['claims'],
    title: 'Claims mapping',
    meaning: [
      'Where `username`, `email`, `groups`, `name` and `dn` come from. Each field is a dotted claim path',
      '(`realm_access.roles`; a value may be a list or a single string), `{claim: <exact name>}` for claim',
      'names that are URIs, or `null` to leave an optional field unmapped. Defaults: `sub`, `email`,',
      '`groups`, `name`, no `dn`.',
      '',
      "`pattern` applies Elastic's `claim_patterns` semantics: a regex search whose first capture group",
      'becomes the value; values that do not match are dropped; no username fails the sign-in with a page',
      "that says so. A pattern not anchored with `^…$` is refused at start-up, because",
      '`^([^@]+)@staff\\.example\\.com` would turn `admin@staff.example.com.attacker.net` into `admin`;',
      '`allow_unanchored_patterns: true` overrides this.',
      '',
      '`userinfo`: `auto` (default) calls the UserInfo endpoint when the ID token lacks a mapped claim,',
      '`always` calls it at every sign-in (a failed call fails the sign-in), `never` does not. ID token',
      "values win over UserInfo's, and a UserInfo `sub` that differs fails the sign-in. An email the",
      'provider marks `email_verified: false` is not used.',
    ].join('\n'),
    example: [
      'claims:',
      "  username: { path: email, pattern: '^([^@]+)@staff\\.example\\.com$' }",
      '  groups: realm_access.roles',
      "  name: { claim: 'https://example.com/claims/display_name' }",
      '  userinfo: auto',
    ].join('\n'),
  },
  {
    keys: ['group_mappings', 'default_roles', 'default_roles_mode'],
    title: 'Roles from groups (elastauth)',
    meaning: [
      '`group_mappings` maps a group to roles; group names match case-insensitively. `default_roles` are',
      'added as `default_roles_mode` says: `fallback` (default) only when no mapping gave a role, which is',
      "what elastauth's code does; `always` to every identity, which is what elastauth's documentation says.",
      'Roles are sent as `X-Auth-Request-Roles` (comma-joined, without duplicates).',
    ].join('\n'),
    example: ['group_mappings:', '  admins: [kibana_admin, superuser]', '  developers: [kibana_user, dev_role]', 'default_roles: [kibana_user]', 'default_roles_mode: fallback'].join('\n'),
  },
  {
    keys: ['role_mappings', 'realm_name'],
    title: 'Roles from rules (Elastic role mappings)',
    meaning: [
      "Elastic's role-mapping rule language: `any`, `all`, `except` (only directly inside `all`), `field`",
      'with a value or a list of values (any of them), `null` for a missing field, `*` wildcards, whole-value',
      '`/regex/` with `<n-m>` numeric ranges. Fields: `username` (case-sensitive), `groups` and `dn`',
      '(case-insensitive, DN-normalised, `*,<dn>` matches a subtree), `realm.name` (`realm_name`, default',
      '`gatehouse`) and `metadata.oidc(<claim>)` for every claim. The roles are the union of every enabled',
      'matching mapping and of `group_mappings`.',
    ].join('\n'),
    example: [
      'role_mappings:',
      '  finance-analysts:',
      '    enabled: true',
      '    roles: [read_only]',
      '    rules:',
      '      all:',
      '        - field: { "metadata.oidc(department)": finance }',
      '        - except: { field: { groups: "cn=contractors,ou=groups,dc=example,dc=com" } }',
      '  staff:',
      '    enabled: true',
      '    roles: [staff]',
      '    rules: { field: { dn: "*,ou=staff,dc=example,dc=com" } }',
    ].join('\n'),
  },
  {
    keys: ['policies'],
    title: 'Named policies',
    meaning: [
      'A route selects one with `auth-url: …/oauth2/auth?policy=<name>`. Every condition present must hold;',
      'within a condition any listed value suffices: `groups`, `roles`, `emails`, `email_domains`, `claims`',
      '(`equals`, `one_of` or an anchored `matches` regex per dotted claim path), `methods` and `paths`',
      "(the original request's, from `X-Original-Method` and `X-Original-URL`, normalised the way nginx",
      'routes; a path is a prefix or a `/^…$/` regex) and `source_networks` (CIDRs, against `X-Real-IP`).',
      'With the serviceaccount source, `serviceaccounts` (`namespace/name` or `namespace/*`) and',
      '`kubernetes_access`: a SubjectAccessReview the Kubernetes API must allow for the calling ServiceAccount',
      '(`verb` with `group`, `version`, `resource`, `subresource`, `namespace`, `name`, or with a non-resource',
      '`path`); anyone else is denied, and an API that cannot answer is 503.',
      'An unknown policy name answers 500 with the reason in the log, never an allow.',
      '',
      'The auth-url query also takes `allowed_groups`, `allowed_emails`, `allowed_email_domains`,',
      "`allowed_roles`, `allowed_serviceaccounts` (`ns/name,ns/*`) and EasyAuth's `role=A|B&role=C` ((A or B)",
      'and C, case-sensitive). Signed in but',
      'denied is always 403 and not signed in is always 401, whatever the policy.',
    ].join('\n'),
    example: [
      'policies:',
      '  kibana-admins:',
      '    roles: [kibana_admin]',
      '  reports-readonly:',
      '    groups: [analysts]',
      '    methods: [GET, HEAD]',
      '    paths: [/reports/, "/^/api/v[0-9]+/reports$/"]',
      '    source_networks: [10.0.0.0/8]',
      '  gold-customers:',
      '    email_domains: [example.com]',
      '    claims:',
      '      tier: { one_of: [gold, platinum] }',
      "      realm_access.level: { matches: '^(gold|silver)$' }",
      '  pod-readers:',
      '    serviceaccounts: [team-a/*]',
      '    kubernetes_access: { verb: list, group: "", resource: pods, namespace: team-a }',
    ].join('\n'),
  },
  {
    keys: ['headers'],
    title: 'Claim headers',
    meaning: [
      "Claims sent upstream in EasyAuth's style, beside the fixed `X-Auth-Request-User`, `-Email`, `-Groups`,",
      '`-Preferred-Username` and `-Roles`. `format: separate` sends one header per claim, named `prefix` +',
      'the claim name (a URI claim keeps its last segment; `_` and `.` become `-`) or `header`; `combined`',
      'sends one JSON object in `combined_header`. `encoding`: `url` (default, percent-encoding), `base64`',
      '(UTF-8) or `none` (a value with a control character then denies the user rather than reach a',
      'header). List the headers in the Ingress `auth-response-headers` annotation.',
    ].join('\n'),
    example: [
      'headers:',
      '  claims:',
      '    format: separate',
      '    prefix: X-Auth-Request-Claim-',
      '    encoding: url',
      "    include: [department, realm_access.roles, { claim: 'https://example.com/claims/tenant', header: Tenant }]",
    ].join('\n'),
  },
  {
    keys: ['sidecar'],
    title: 'Sidecar mode: route policies and paths that skip the check',
    meaning: [
      'Read only with `GATEHOUSE_UPSTREAM` set (the section is refused without it), and only at start-up: unlike',
      'the sections above, a change needs a restart. gatehouse keeps `/oauth2/*`, `/healthz` and `/readyz`;',
      'every other request is checked and proxied to the app.',
      '',
      "`routes` give the app's paths a route policy, as the auth-url query does for an Ingress. A request takes",
      'the `policy` of the first route whose `path` and `methods` match (no `methods`: every method; `HEAD` is',
      'a method of its own), and one that no route matches only needs to be signed in. A `path` is a prefix of',
      'the decoded, normalised path, as nginx matches `location /admin` (`/admin` also covers `/admin/users`',
      'and `/administrator`; write `/admin/` for the directory alone), or a regex on it starting with `^`',
      '(add `$` to anchor the end too). A `policy` is written in the auth-url query language (`allowed_groups`,',
      '`allowed_emails`, `allowed_email_domains`, `allowed_roles`, `role`, `policy=<name>`, `backend`) and is',
      'checked at start-up; should a reload remove a named policy a route uses, that route answers 500, never',
      'an allow.',
      '',
      "`skip` lists the paths that reach the app with no check at all, for the app's own probes and public",
      'assets: an exact path, or a regex starting with `^`. A request skips only when both its path as sent',
      'and its normalised path match, so `/healthz/../admin` and `/%68ealthz` are checked. A skipped request',
      'still loses every client copy of an identity header. The list is logged at start-up.',
    ].join('\n'),
    example: [
      'sidecar:',
      '  routes:',
      '    - { path: /admin/, methods: [GET, HEAD, POST], policy: "allowed_groups=admins" }',
      '    - { path: "^/api/v[0-9]+/reports$", policy: "allowed_roles=analyst,auditor" }',
      '  skip: [/app-health, "^/static/"]',
    ].join('\n'),
  },
  {
    keys: ['client_certificates'],
    title: 'Client certificates: groups by certificate user',
    meaning: [
      'With the `certificate` source, groups for a certificate user by the username its certificate gives',
      '(`GATEHOUSE_CLIENT_CERT_USERNAME`: the CN, or an email, DNS or URI alternative name), added to the',
      'OUs of the certificate (`GATEHOUSE_CLIENT_CERT_GROUPS=ou`) or used alone (`none`). A group may not',
      'hold a comma, which `X-Auth-Request-Groups` joins groups with. Read at start-up. Roles then come from',
      '`group_mappings` and `role_mappings` as for every identity; a certificate identity also has its',
      'RFC 4514 `dn` (`CN=Doe\\, John,OU=ops,O=Example`), so a role mapping can match `*,ou=ops,o=example`.',
    ].join('\n'),
    example: ['client_certificates:', '  groups:', '    alice: [admins]', '    "Doe, John": [ops, support]'].join('\n'),
  },
  {
    keys: ['htpasswd'],
    title: 'htpasswd users: groups',
    meaning: [
      'With the `htpasswd` source, the groups of the users of `GATEHOUSE_HTPASSWD_FILE`, which has none of',
      'its own: each group lists its users (names as in the file, case-sensitive). Reloaded with the rest of',
      'the file; the users file itself is watched on its own. A group may not hold a comma. Roles then come',
      'from `group_mappings` and `role_mappings` as for every identity.',
    ].join('\n'),
    example: ['htpasswd:', '  groups:', '    admins: [alice]', '    readers: [alice, ci-bot]'].join('\n'),
  },
]);
