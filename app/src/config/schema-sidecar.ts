/**
 * Environment variables of sidecar mode: the app gatehouse proxies to, the connection pool to it,
 * and the timeouts that bound a slow app and a slow client. Route policies and the paths that
 * skip the check are structured, so they live in the config file's `sidecar` section.
 */
import { str } from 'envalid';
import { duration, durationOrOff, positiveInt } from './validators.ts';

/** The envalid specification of the sidecar variables. */
export const SIDECAR_SCHEMA = {
  GATEHOUSE_UPSTREAM: str({
    desc: "Sidecar mode: the app every request other than /oauth2/*, /healthz and /readyz is checked for and then proxied to, as http(s)://host:port with no path; usually the app container on 127.0.0.1 in the same pod. The app gets X-Forwarded-For/-Proto/-Host in place of the client's own, except from a proxy in GATEHOUSE_TRUSTED_PROXY_SOURCES, whose X-Forwarded-For is appended to and whose -Proto and -Host are kept. Unset, gatehouse only answers proxies",
    default: '',
    example: 'http://127.0.0.1:8080',
  }),
  GATEHOUSE_UPSTREAM_MAX_CONNECTIONS: positiveInt({
    desc: 'Sidecar mode: most connections open to the app at once (kept alive and reused); requests beyond them wait for a free one',
    default: 128,
  }),
  GATEHOUSE_UPSTREAM_KEEPALIVE_TIMEOUT: duration({
    desc: "Sidecar mode: how long an idle connection to the app is kept for reuse; keep it below the app's own keep-alive timeout (Node's is 5s) so gatehouse never reuses one the app is closing",
    default: 4000,
    example: '4s',
  }),
  GATEHOUSE_UPSTREAM_CONNECT_TIMEOUT: duration({
    desc: 'Sidecar mode: upper bound for opening a connection to the app; beyond it the client gets 504',
    default: 5000,
    example: '5s',
  }),
  GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT: duration({
    desc: "Sidecar mode: how long the app may take to start its answer (the status and headers) once the request is sent; beyond it the client gets 504. An app that refuses the connection or closes it gets 502",
    default: 60_000,
    example: '60s',
  }),
  GATEHOUSE_UPSTREAM_BODY_TIMEOUT: durationOrOff({
    desc: "Sidecar mode: the longest pause allowed between two chunks of the app's answer before the exchange is cut; 0 never cuts (long-lived event streams)",
    default: 300_000,
    example: '5m',
  }),
  GATEHOUSE_CLIENT_HEADERS_TIMEOUT: duration({
    desc: 'Sidecar mode: how long a client may take to send the request line and headers; a client that trickles them is disconnected (checked every second)',
    default: 10_000,
    example: '10s',
  }),
  GATEHOUSE_CLIENT_REQUEST_TIMEOUT: durationOrOff({
    desc: 'Sidecar mode: how long a client may take to send a whole request, body included, which bounds the slowest upload; 0 sets no bound beyond GATEHOUSE_CLIENT_HEADERS_TIMEOUT. Without sidecar mode the main port keeps 30s',
    default: 600_000,
    example: '10m',
  }),
};
