/** Route paths, a contract with ingress annotations: they follow oauth2-proxy's so existing ones keep working. */
export const ROUTES = Object.freeze({
  auth: '/oauth2/auth',
  forwardAuth: '/oauth2/forward-auth',
  extAuthz: '/oauth2/ext-authz',
  extAuthzRoute: '/oauth2/ext-authz-route',
  start: '/oauth2/start',
  callback: '/oauth2/callback',
  signOut: '/oauth2/sign_out',
  signedOut: '/oauth2/signed_out',
  userinfo: '/oauth2/userinfo',
  backchannelLogout: '/oauth2/backchannel_logout',
  /** The error page a proxy asks for with the status in X-Code (see errorPageRoot). */
  errorPage: '/oauth2/error-page',
  /** ingress-nginx rewrites every custom-error request to its default backend to "/". */
  errorPageRoot: '/',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
  /** The public keys of X-Gatehouse-Assertion, when assertions are on. */
  jwks: '/.well-known/jwks.json',
});
