/**
 * Environment variables of gatehouse's outbound HTTP calls (the OpenID Provider and
 * Elasticsearch): the provider's CA bundle, the connect timeout, and the standard egress-proxy
 * variables, which are read here like every other variable rather than by the HTTP library.
 */
import { str } from 'envalid';
import { duration } from './validators.ts';

/** The envalid specification of the outbound variables. */
export const OUTBOUND_SCHEMA = {
  GATEHOUSE_OIDC_CA_FILE: str({
    desc: 'PEM bundle of the CAs that sign the OpenID Provider certificates, trusted instead of the system CAs for discovery, token, JWKS, userinfo and logout keys',
    default: '',
    example: '/etc/gatehouse/idp-ca.pem',
  }),
  GATEHOUSE_OUTBOUND_CONNECT_TIMEOUT: duration({
    desc: 'Upper bound for opening a connection (TCP and TLS) to the OpenID Provider, Elasticsearch or the egress proxy; waiting for response headers, and for each chunk of a body, is bounded by GATEHOUSE_OIDC_TIMEOUT or GATEHOUSE_ELASTICSEARCH_TIMEOUT',
    default: 3000,
    example: '3s',
  }),
  HTTPS_PROXY: str({
    desc: 'Egress proxy for https:// calls to the OpenID Provider and Elasticsearch, tunnelled with CONNECT (TLS stays end to end); https_proxy wins when both are set',
    default: '',
    example: 'http://proxy.example.com:3128',
  }),
  https_proxy: str({ desc: 'Same as HTTPS_PROXY', default: '' }),
  HTTP_PROXY: str({
    desc: 'Egress proxy for http:// calls, and for https:// ones too when no HTTPS_PROXY is set; http_proxy wins when both are set',
    default: '',
    example: 'http://proxy.example.com:3128',
  }),
  http_proxy: str({ desc: 'Same as HTTP_PROXY', default: '' }),
  NO_PROXY: str({
    desc: 'Hosts reached without the proxy, comma-separated: a name also matches its subdomains (example.com, .example.com), *.example.com only the subdomains, host:port only that port, * every host; no CIDR ranges. Loopback is not exempt by itself: with a proxy set, list localhost, 127.0.0.1 and in-cluster names (.svc, .cluster.local) here; no_proxy wins when both are set',
    default: '',
    example: 'localhost,127.0.0.1,.svc,.cluster.local',
  }),
  no_proxy: str({ desc: 'Same as NO_PROXY', default: '' }),
};
