/**
 * Environment variables of the proxy-facing endpoints: where browsers are sent to sign in, and
 * which proxies may describe the original request in X-Forwarded-* (forward-auth, ext-authz).
 */
import { str } from 'envalid';
import { commaList } from './validators.ts';

/** The envalid specification of the proxy variables. */
export const PROXY_SCHEMA = {
  GATEHOUSE_SIGNIN_URL: str({
    desc: 'Where forward-auth and ext-authz send a browser that is not signed in (with ?rd=<original URL>), and the URL the X-Gatehouse-Signin header of /oauth2/auth carries; defaults to /oauth2/start on the origin of GATEHOUSE_REDIRECT_URL',
    default: '',
    example: 'https://auth.example.com/oauth2/start',
  }),
  GATEHOUSE_TRUSTED_PROXY_SOURCES: commaList({
    desc: 'Networks (CIDR) of the proxies whose X-Forwarded-Method/-Proto/-Host/-Uri/-For describe the original request at /oauth2/forward-auth and /oauth2/ext-authz; the peer address of the connection counts, never X-Forwarded-For. With neither this nor a secret, those endpoints answer 401',
    default: [],
    example: '10.0.0.0/8,fd00::/8',
  }),
  GATEHOUSE_TRUSTED_PROXY_SECRET: str({
    desc: 'Shared secret(s) a trusted proxy sends in GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER, comma-separated for rotation, each at least 16 characters (or GATEHOUSE_TRUSTED_PROXY_SECRET_FILE); with sources too, both must hold',
    default: '',
  }),
  GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER: str({
    desc: 'The header carrying the trusted proxy secret',
    default: 'X-Gatehouse-Proxy-Secret',
  }),
};
