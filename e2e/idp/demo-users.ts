/** A user account of the test IdP; `login` is also the OpenID `sub`. */
export interface DemoUser {
  login: string;
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  preferredUsername: string;
  groups: string[];
  /** Released only by the UserInfo endpoint (scope `roles`), as some providers do. */
  department: string;
  /** Keycloak-style realm roles, UserInfo only (scope `roles`). */
  realmRoles: string[];
}

/**
 * The demo accounts. Each password equals the login name so that a person trying the demo can
 * guess it. `mallory` carries a CR/LF in `preferred_username`, to prove that control characters
 * in a claim never reach an HTTP header.
 */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    login: 'alice',
    department: 'engineering',
    realmRoles: ['kibana_admin', 'offline_access'],
    password: 'alice',
    email: 'alice@example.com',
    emailVerified: true,
    name: 'Alice Admin',
    preferredUsername: 'alice',
    groups: ['admins', 'devs'],
  },
  {
    login: 'bob',
    department: 'engineering',
    realmRoles: ['offline_access'],
    password: 'bob',
    email: 'bob@example.com',
    emailVerified: true,
    name: 'Bob Developer',
    preferredUsername: 'bob',
    groups: ['devs'],
  },
  {
    login: 'carol',
    department: 'finance',
    realmRoles: [],
    password: 'carol',
    email: 'carol@example.org',
    emailVerified: true,
    name: 'Carol Contractor',
    preferredUsername: 'carol',
    groups: [],
  },
  {
    login: 'mallory',
    department: 'unknown',
    realmRoles: [],
    password: 'mallory',
    email: 'mallory@example.com',
    emailVerified: true,
    name: 'Mallory',
    preferredUsername: 'mallory\r\nX-Injected: 1',
    groups: [],
  },
]);

/**
 * The claims the IdP releases for `user` for one use (`id_token` or `userinfo`); the provider
 * filters them by scope. `department` and `realm_access` are released only to UserInfo.
 */
export function claimsOf(user: DemoUser, use = 'userinfo'): Record<string, unknown> {
  return {
    ...(use === 'userinfo' && { department: user.department, realm_access: { roles: [...user.realmRoles] } }),
    sub: user.login,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    preferred_username: user.preferredUsername,
    groups: [...user.groups],
  };
}
