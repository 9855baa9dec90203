/** A user account of the test IdP; `login` is also the OpenID `sub`. */
export interface DemoUser {
  login: string;
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  preferredUsername: string;
  groups: string[];
}

/**
 * The demo accounts. Each password equals the login name so that a person trying the demo can
 * guess it. `mallory` carries a CR/LF in `preferred_username`, to prove that control characters
 * in a claim never reach an HTTP header.
 */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    login: 'alice',
    password: 'alice',
    email: 'alice@example.com',
    emailVerified: true,
    name: 'Alice Admin',
    preferredUsername: 'alice',
    groups: ['admins', 'devs'],
  },
  {
    login: 'bob',
    password: 'bob',
    email: 'bob@example.com',
    emailVerified: true,
    name: 'Bob Developer',
    preferredUsername: 'bob',
    groups: ['devs'],
  },
  {
    login: 'carol',
    password: 'carol',
    email: 'carol@example.org',
    emailVerified: true,
    name: 'Carol Contractor',
    preferredUsername: 'carol',
    groups: [],
  },
  {
    login: 'mallory',
    password: 'mallory',
    email: 'mallory@example.com',
    emailVerified: true,
    name: 'Mallory',
    preferredUsername: 'mallory\r\nX-Injected: 1',
    groups: [],
  },
]);

/** The standard claims the IdP releases for `user`; the provider filters them by scope. */
export function claimsOf(user: DemoUser): Record<string, unknown> {
  return {
    sub: user.login,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    preferred_username: user.preferredUsername,
    groups: [...user.groups],
  };
}
