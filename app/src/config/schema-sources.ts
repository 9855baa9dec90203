/**
 * Environment variables of the identity sources: which one is primary (`GATEHOUSE_AUTH_PROVIDER`),
 * how Bearer tokens are validated, and which upstream is trusted to set identity headers.
 */
import { str } from 'envalid';
import { commaList } from './validators.ts';

/** The envalid specification of the identity-source variables. */
export const SOURCE_SCHEMA = {
  GATEHOUSE_AUTH_PROVIDER: str({
    desc: 'The primary identity source: login (browser sign-in with OpenID Connect), oidc (Bearer tokens from the OpenID Provider, as elastauth) or authelia (identity headers from a trusted upstream, as elastauth)',
    choices: ['login', 'oidc', 'authelia'],
    default: 'login',
  }),
  GATEHOUSE_IDENTITY_SOURCES: commaList({
    desc: 'The identity sources tried for each check, in order: session (the browser sign-in cookie), bearer (Authorization: Bearer JWTs from the OpenID Provider, or from the issuers the config file lists under bearer.issuers), introspection (opaque Bearer tokens vouched for by a listed issuer\'s RFC 7662 introspection endpoint; with bearer, JWS-shaped tokens go to bearer and the rest here), trusted-headers (identity headers from a trusted upstream), certificate (an X.509 client certificate the proxy that terminates TLS hands over, checked again against GATEHOUSE_CLIENT_CA_FILE), serviceaccount (Kubernetes ServiceAccount tokens, proven by TokenReview; routed by their issuer beside bearer). The first whose credential is present decides: a request with a Bearer token is judged on it alone, and an invalid credential is 401, never a try of the next source. A route narrows the list with sources= on its auth-url. Unset: the one source GATEHOUSE_AUTH_PROVIDER names (login = session, oidc = bearer, authelia = trusted-headers)',
    default: [],
    example: 'session,bearer',
  }),
  GATEHOUSE_BEARER_VALIDATION: str({
    desc: 'oidc provider: jwks checks the token signature against the provider keys; userinfo asks the UserInfo endpoint and also checks the audience; both tries JWKS and asks UserInfo only for opaque tokens, never after a failed signature',
    choices: ['jwks', 'userinfo', 'both'],
    default: 'jwks',
  }),
  GATEHOUSE_TRUSTED_HEADER_USER: str({ desc: 'authelia provider: the username header', default: 'Remote-User' }),
  GATEHOUSE_TRUSTED_HEADER_GROUPS: str({ desc: 'authelia provider: the comma-separated groups header', default: 'Remote-Groups' }),
  GATEHOUSE_TRUSTED_HEADER_EMAIL: str({ desc: 'authelia provider: the email header', default: 'Remote-Email' }),
  GATEHOUSE_TRUSTED_HEADER_NAME: str({ desc: 'authelia provider: the full-name header', default: 'Remote-Name' }),
  GATEHOUSE_TRUSTED_HEADER_SOURCES: commaList({
    desc: 'authelia provider: networks (CIDR) whose connections may set identity headers; the peer address of the connection counts, never X-Forwarded-For',
    default: [],
    example: '10.0.0.0/8,fd00::/8',
  }),
  GATEHOUSE_TRUSTED_HEADER_SECRET: str({
    desc: 'authelia provider: shared secret(s) the upstream sends in GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER, comma-separated for rotation (or GATEHOUSE_TRUSTED_HEADER_SECRET_FILE); with neither this nor sources, every request answers 401',
    default: '',
  }),
  GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER: str({
    desc: 'authelia provider: the header carrying the shared secret',
    default: 'X-Gatehouse-Upstream-Secret',
  }),
};
