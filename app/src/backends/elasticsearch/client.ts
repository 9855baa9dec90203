/**
 * Builds the official Elasticsearch client for the admin calls of the backend. The client's
 * default pool (WeightedConnectionPool) spreads requests round-robin over the hosts; gatehouse
 * wants them in failover order, so it uses the ClusterConnectionPool with a selector that always
 * takes the first living host: the first host gets every request while it answers, a host that
 * fails (connection refused or reset, a timeout, a 502/503/504) is marked dead and the same
 * request moves on to the next one, and a dead host is pinged back to life after the pool's
 * resurrection delay (60 s, doubling while it stays dead).
 *
 * Every request goes through gatehouse's Elasticsearch dispatcher (see transport-agent.ts): the CA
 * bundle, the timeouts and the egress proxy are set there, not in the client's `tls` or `proxy`.
 */
import type { Client, TransportOptions } from '@elastic/elasticsearch';
import type { TransportAgent } from '../../http/outbound/transport-agent.ts';
import { elasticsearchPackage } from '../../optional-packages.ts';

/** What {@link createElasticsearchClient} needs; all of it comes from configuration. */
export interface ElasticsearchClientOptions {
  /** `https://host:9200` URLs in failover order, without credentials. */
  readonly hosts: readonly string[];
  /** The admin user (needs the `manage_security` cluster privilege). */
  readonly username: string;
  /** The admin password, read from a file or a Secret by the caller. */
  readonly password: string;
  /** The dispatcher every request goes through, with the CA bundle, timeouts and proxy (createOutbound). */
  readonly agent: TransportAgent;
  /** Upper bound of one HTTP attempt against one host, in ms. */
  readonly requestTimeoutMs: number;
}

/**
 * Creates the client; the first one built (at start-up) loads the client's package. It does not
 * connect until the first request. Each request is tried at most once per host (no backoff, since
 * there are no more attempts than hosts) and never sniffs; the agent verifies TLS certificates.
 * @throws Error when no host is given or a host is not an http(s) URL without credentials
 */
export function createElasticsearchClient(options: ElasticsearchClientOptions): Client {
  const { Client, ClusterConnectionPool, Transport } = elasticsearchPackage();
  /**
   * The client's transport without the OpenTelemetry spans it makes by itself as soon as a tracer
   * provider is registered: they name the user in db.operation.parameter.username and url.full. With
   * tracing on, gatehouse's dispatcher gives each call a span with the user name left out.
   */
  class UntracedTransport extends Transport {
    constructor(transportOptions: TransportOptions) {
      super({ ...transportOptions, openTelemetry: { enabled: false } });
    }
  }
  const { hosts } = options;
  if (hosts.length === 0) throw new Error('Elasticsearch needs at least one host');
  const nodes = hosts.map((host) => {
    const url = new URL(host);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
      throw new Error(`Elasticsearch host must be an http(s) URL without credentials: ${url.protocol}//${url.host}`);
    }
    return { url };
  });
  return new Client({
    nodes,
    auth: { username: options.username, password: options.password },
    ConnectionPool: ClusterConnectionPool,
    Transport: UntracedTransport,
    // The pool hands over the living hosts in configured order.
    nodeSelector: (connections) => connections[0] as (typeof connections)[number],
    maxRetries: hosts.length - 1,
    requestTimeout: options.requestTimeoutMs,
    pingTimeout: options.requestTimeoutMs,
    resurrectStrategy: 'ping',
    sniffOnStart: false,
    sniffInterval: false,
    sniffOnConnectionFault: false,
    compression: false,
    // Plain JSON instead of the client's `compatible-with=9` media type: Elasticsearch 8 refuses that
    // one, and the security API answers the same in 8 and 9.
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    // UndiciConnection calls this once per host and uses what it returns as that host's pool.
    agent: () => options.agent,
    name: 'gatehouse',
  });
}
