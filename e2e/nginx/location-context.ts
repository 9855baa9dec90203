/** What every location of the rendered nginx.conf shares: the surrounding config, and the client-certificate headers. */

/** What the location renderers need to know about the surrounding config. */
export interface LocationContext {
  /** The port of the listener, used in the auth-signin URL as an Ingress author writes it. */
  listenPort: number;
  /** Name of the `upstream` block of the auth service (also its Service host name). */
  authUpstream: string;
  /** Name of the `upstream` block of the protected app. */
  appUpstream: string;
  responseHeaders: readonly string[];
  /**
   * false renders the auth location as ingress-nginx did before v1.13.7/v1.14.3/v1.15.0: without
   * `proxy_intercept_errors off`, so a global custom error page also answers the auth subrequest
   * (CVE-2026-24513). Default true, as every release since.
   */
  authInterceptErrorsOff?: boolean;
  /**
   * The server's `auth-tls-secret` (and `auth-tls-pass-certificate-to-upstream` when
   * `passCertificate`): nginx.tmpl then sets the client-certificate headers on the auth subrequest
   * and on every proxied request of the server.
   */
  authTls?: { readonly passCertificate: boolean };
}

/** nginx.tmpl's "Pass the extracted client certificate" lines, indented for a location; '' without auth-tls. */
export function authTlsHeaders(ctx: LocationContext): string {
  if (!ctx.authTls) return '';
  const cert = ctx.authTls.passCertificate ? '            proxy_set_header ssl-client-cert        $ssl_client_escaped_cert;\n' : '';
  return `${cert}            proxy_set_header ssl-client-verify      $ssl_client_verify;
            proxy_set_header ssl-client-subject-dn  $ssl_client_s_dn;
            proxy_set_header ssl-client-issuer-dn   $ssl_client_i_dn;
`;
}
