/**
 * Environment variables of browser sign-in through Elasticsearch's own OpenID Connect realm, with
 * gatehouse as the realm's facilitator (Elastic's "OpenID Connect without Kibana"): either names
 * the realm, and /oauth2/start then goes through `_security/oidc/prepare`.
 */
import { str } from 'envalid';

/** The envalid specification of the Elasticsearch OpenID Connect realm variables. */
export const ELASTICSEARCH_OIDC_SCHEMA = {
  GATEHOUSE_ELASTICSEARCH_OIDC_REALM: str({
    desc: "Sign browsers in through this OpenID Connect realm of Elasticsearch instead of going to the OpenID Provider directly: /oauth2/start calls _security/oidc/prepare, the callback _security/oidc/authenticate, and the session keeps Elasticsearch's access and refresh tokens for backend=elasticsearch-oidc (Authorization: Bearer). Elasticsearch is then the relying party: the realm's rp.redirect_uri must be GATEHOUSE_REDIRECT_URL, the GATEHOUSE_OIDC_* provider settings serve only the bearer source, and GATEHOUSE_ELASTICSEARCH_USERNAME needs the manage_oidc and manage_token privileges",
    default: '',
    example: 'oidc1',
  }),
  GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: str({
    desc: 'Instead of GATEHOUSE_ELASTICSEARCH_OIDC_REALM: the OpenID Provider issuer Elasticsearch finds the realm by (the iss of _security/oidc/prepare, third-party initiated sign-in)',
    default: '',
    example: 'https://login.example.com/realms/main',
  }),
};
