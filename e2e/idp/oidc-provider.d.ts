// Just the part of oidc-provider v9 that the test IdP uses; the package ships no typings of its
// own. If @types/oidc-provider is installed, the import resolves to it and this file is unused.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What an interaction (login/consent) reports back to the authorization endpoint. */
  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface Grant {
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId?: string; clientId?: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface OidcClient {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface OidcSession {
    accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  /** The Koa context oidc-provider hands to configuration callbacks and event listeners. */
  export interface KoaContextWithOIDC {
    oidc: {
      provider: Provider;
      route?: string;
      client?: OidcClient;
      session?: OidcSession;
      result?: InteractionResults;
      params?: Record<string, unknown>;
      requestParamScopes: Set<string>;
      requestParamClaims: Set<string>;
    };
    host: string;
    type: string;
    status: number;
    body: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    backchannel_logout_uri?: string;
    backchannel_logout_session_required?: boolean;
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
    jwks?: { keys: unknown[] };
  }

  /** Provider options; see the oidc-provider documentation for the full list. */
  export interface Configuration {
    [option: string]: unknown;
    clients?: ClientMetadata[];
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>;
    loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
  }

  /** The OAuth errors oidc-provider answers with; only the ones the test IdP throws. */
  export const errors: { InvalidTarget: new (description?: string) => Error };

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: GrantConstructor;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (ctx: KoaContextWithOIDC, ...rest: unknown[]) => void): this;
  }
}
