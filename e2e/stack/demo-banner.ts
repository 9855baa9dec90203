/** What `make demo` prints once everything runs: the URLs to try, the users, and what runs where. */
import { DEMO_USERS } from '../idp/test-idp.ts';

/** What the banner needs to know about the running stack. */
export interface BannerInfo {
  readonly baseUrl: string;
  readonly proxy: 'nginx' | 'caddy';
  readonly issuer: string;
  readonly gatehouse: ReadonlyArray<{ readonly port: number; readonly metricsPort: number }>;
  readonly echoPort: number;
}

/** The demo's paths, each with what it shows; the README lists the same ones. */
export function demoPaths(proxy: 'nginx' | 'caddy'): ReadonlyArray<readonly [path: string, what: string]> {
  return [
    ['/', 'any signed-in user'],
    ['/admin', 'members of "admins" only: bob gets the denied page, saying what /admin needs'],
    ['/abs-rd', 'sign-in with an absolute rd (ingress-nginx appends the full URL)'],
    ['/api', proxy === 'caddy' ? 'API clients get 401, a browser is sent to sign in' : 'API: 401 instead of a sign-in redirect'],
    ['/oauth2/sign_out', 'signs out and shows the signed-out page'],
  ];
}

/** The banner text. */
export function demoBanner(info: BannerInfo): string {
  const paths = demoPaths(info.proxy)
    .map(([path, what]) => `  ${`${info.baseUrl}${path}`.padEnd(info.baseUrl.length + 18)} ${what}`)
    .join('\n');
  const users = DEMO_USERS.map((u) => {
    const groups = u.groups.length === 0 ? 'no groups' : `groups ${u.groups.join(', ')}`;
    const note = /[\r\n]/.test(u.preferredUsername) ? ' (preferred_username holds CR/LF: a page says her account cannot be used)' : '';
    return `  ${u.login.padEnd(8)} password ${u.password.padEnd(8)} ${groups}${note}`;
  }).join('\n');
  const gatehouse = info.gatehouse.map((g) => `:${g.port} (metrics :${g.metricsPort})`).join(', ');
  const front = info.proxy === 'caddy' ? 'Caddy (forward_auth)' : 'nginx (auth_request, custom-http-errors 403)';
  return `
gatehouse demo is running: ${info.baseUrl}/

${paths}

Users (at the test IdP ${info.issuer}):
${users}

Gatehouse ${gatehouse}, echo app :${info.echoPort}, ${front} in front; every component checked.
Press Ctrl-C to stop. gatehouse's decisions follow as they happen (time, status, result, user, reasons):
`;
}
