/**
 * The outbound HTTP stack, built once at start-up from the Config: one dispatcher per target (the
 * OpenID Provider, each listed token issuer, Elasticsearch), each with its CA bundle, timeouts and
 * the egress proxy, and the fetches and the Elasticsearch agent that go through them and log every
 * failed call.
 */
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/config.ts';
import type { OutboundTarget, Tracing } from '../../observability/tracing/tracing.ts';
import { createDispatcher } from './create-dispatcher.ts';
import { loggedFetch, type FailureLog, type FetchCall, type OutboundFetch } from './logged-fetch.ts';
import { transportAgent, type TransportAgent } from './transport-agent.ts';

/** The calls gatehouse makes to the OpenID Provider. */
export type ProviderCall = 'discovery' | 'token' | 'jwks' | 'userinfo';

/** How each call is named in the failure log, and whether only a 200 will do (the documents). */
const CALLS: Readonly<Record<ProviderCall, FetchCall>> = Object.freeze({
  discovery: Object.freeze({ target: 'provider discovery', expect200: true }),
  token: Object.freeze({ target: 'provider token', expect200: false }),
  jwks: Object.freeze({ target: 'provider JWKS', expect200: true }),
  userinfo: Object.freeze({ target: 'provider userinfo', expect200: false }),
});

/** The calls gatehouse makes to a token issuer of the config file's `bearer.issuers`. */
export type IssuerCall = 'discovery' | 'jwks' | 'introspection';

const ISSUER_CALLS: Readonly<Record<IssuerCall, FetchCall>> = Object.freeze({
  discovery: Object.freeze({ target: 'issuer discovery', expect200: true }),
  jwks: Object.freeze({ target: 'issuer JWKS', expect200: true }),
  // A 4xx is the issuer refusing gatehouse's client authentication: logged by the caller, once.
  introspection: Object.freeze({ target: 'issuer introspection', expect200: false }),
});

/** One token issuer's side of the stack. */
export interface IssuerOutbound {
  readonly dispatcher: Dispatcher;
  /** A fetch for `call`; made at start-up, not per request. */
  fetch(call: IssuerCall): OutboundFetch;
}

/** The OpenID Provider's side of the stack. */
export interface ProviderOutbound {
  readonly dispatcher: Dispatcher;
  /**
   * A fetch for `call`, or for the call a URL names (openid-client makes the token, userinfo and
   * ID-token key calls through one fetch). Made at start-up or once after discovery, not per request.
   */
  fetch(call: ProviderCall | ((url: string) => ProviderCall)): OutboundFetch;
}

/** Every outbound target. */
export interface Outbound {
  /** Set when an OpenID Provider is configured. */
  readonly provider: ProviderOutbound | undefined;
  /** Each provider of the config file's `providers` list, by id: its own dispatcher, with its `ca_file` or GATEHOUSE_OIDC_CA_FILE's bundle. */
  readonly providers: ReadonlyMap<string, ProviderOutbound>;
  /**
   * Each listed token issuer's, by its exact `iss`: its own dispatcher with its `ca_file`, or
   * GATEHOUSE_OIDC_CA_FILE's bundle when it has none (the system CAs when neither is set), the
   * egress proxy, and GATEHOUSE_OIDC_TIMEOUT.
   */
  readonly issuers: ReadonlyMap<string, IssuerOutbound>;
  /** The Elasticsearch client's agent; set when Elasticsearch hosts are configured. */
  readonly elasticsearch: TransportAgent | undefined;
  /** Closes every dispatcher: idle connections at once, busy ones when their request ends. */
  close(): Promise<void>;
}

function providerOutbound(dispatcher: Dispatcher, log: FailureLog): ProviderOutbound {
  return {
    dispatcher,
    fetch: (call) => loggedFetch(dispatcher, log, typeof call === 'function' ? (url) => CALLS[call(url)] : () => CALLS[call]),
  };
}

/**
 * Builds the stack. Nothing connects until the first call.
 * @param log - where failed calls are written, with target, URL and cause
 * @param tracing - set when tracing is on: every dispatcher then gives its requests a span and the trace context
 */
export function createOutbound(
  config: Pick<Config, 'oidc' | 'backend' | 'outbound'> & Partial<Pick<Config, 'bearer' | 'providers'>>,
  log: FailureLog,
  tracing?: Pick<Tracing, 'outbound'>,
): Outbound {
  const { connectTimeoutMs, proxy, oidcCaPem } = config.outbound;
  const dispatchers: Dispatcher[] = [];
  const build = (caPem: string | undefined, timeoutMs: number, target: OutboundTarget): Dispatcher => {
    const direct = createDispatcher({ caPem, connectTimeoutMs, timeoutMs, proxy });
    const dispatcher = tracing ? tracing.outbound(direct, target) : direct;
    dispatchers.push(dispatcher);
    return dispatcher;
  };
  const elasticsearch = config.backend.elasticsearch;
  const issuers = new Map<string, IssuerOutbound>();
  for (const issuer of config.bearer?.issuers ?? []) {
    const dispatcher = build(issuer.caPem ?? oidcCaPem, issuer.timeoutMs, 'issuer');
    issuers.set(issuer.issuer, { dispatcher, fetch: (call) => loggedFetch(dispatcher, log, () => ISSUER_CALLS[call]) });
  }
  const providers = new Map<string, ProviderOutbound>();
  for (const listed of config.providers ?? []) providers.set(listed.id, providerOutbound(build(listed.caPem ?? oidcCaPem, listed.oidc.timeoutMs, 'provider'), log));
  return {
    provider: config.oidc ? providerOutbound(build(oidcCaPem, config.oidc.timeoutMs, 'provider'), log) : undefined,
    providers,
    issuers,
    elasticsearch: elasticsearch ? transportAgent(build(elasticsearch.caPem, elasticsearch.timeoutMs, 'elasticsearch'), log) : undefined,
    async close() {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
    },
  };
}
