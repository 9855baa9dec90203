/**
 * JSON schemas (draft-07) for the proxy kinds no kubernetes-models package covers, transcribed from
 * their documented APIs with unknown fields refused: Envoy Gateway's SecurityPolicy and
 * ClientTrafficPolicy (the parts the examples use), and the `meshConfig.extensionProviders` of an
 * IstioOperator (kubernetes-models types its spec as free-form).
 */
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const strings = { type: 'array', items: { type: 'string', minLength: 1 } };
const headerNames = { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }, maxItems: 64 };
const duration = { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' };
const metadata = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap },
};

// https://gateway.envoyproxy.io/docs/api/extension_types/#policytargetreferences
const targetRefs = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['group', 'kind', 'name'],
    properties: {
      group: { const: 'gateway.networking.k8s.io' },
      kind: { enum: ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'TCPRoute'] },
      name: { type: 'string', minLength: 1 },
      sectionName: { type: 'string' },
    },
  },
};

// https://gateway.envoyproxy.io/docs/api/extension_types/#backendref (a Gateway API BackendObjectReference)
const backendRef = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    group: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    weight: { type: 'integer', minimum: 0 },
    fallback: { type: 'boolean' },
  },
};

// https://gateway.envoyproxy.io/docs/api/extension_types/#extauth and #httpextauthservice
const extAuth = {
  type: 'object',
  additionalProperties: false,
  properties: {
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['backendRefs'],
      properties: {
        backendRefs: { type: 'array', minItems: 1, maxItems: 16, items: backendRef },
        path: { type: 'string', pattern: '^/' },
        pathOverride: { type: 'string', pattern: '^/' },
        headersToBackend: headerNames,
      },
    },
    headersToExtAuth: headerNames,
    bodyToExtAuth: { type: 'object', additionalProperties: false, required: ['maxRequestBytes'], properties: { maxRequestBytes: { type: 'integer', minimum: 1 } } },
    timeout: duration,
    failOpen: { type: 'boolean' },
    recomputeRoute: { type: 'boolean' },
    statusOnError: { type: 'integer', minimum: 100, maximum: 599 },
  },
};

/** Envoy Gateway SecurityPolicy (gateway.envoyproxy.io/v1alpha1) with extAuth, as the examples write it. */
export const SECURITY_POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'gateway.envoyproxy.io/v1alpha1' },
    kind: { const: 'SecurityPolicy' },
    metadata,
    spec: { type: 'object', additionalProperties: false, required: ['targetRefs', 'extAuth'], properties: { targetRefs, extAuth } },
  },
} as const;

// https://gateway.envoyproxy.io/docs/api/extension_types/#httpheaderfilter
const headerFilter = {
  type: 'object',
  additionalProperties: false,
  properties: {
    set: { type: 'array', maxItems: 64, items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string' }, value: { type: 'string' } } } },
    remove: headerNames,
  },
};

/** Envoy Gateway ClientTrafficPolicy (gateway.envoyproxy.io/v1alpha1), its header settings only. */
export const CLIENT_TRAFFIC_POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'gateway.envoyproxy.io/v1alpha1' },
    kind: { const: 'ClientTrafficPolicy' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['targetRefs', 'headers'],
      properties: {
        targetRefs,
        // https://gateway.envoyproxy.io/docs/api/extension_types/#headersettings
        headers: { type: 'object', additionalProperties: false, properties: { earlyRequestHeaders: headerFilter, lateResponseHeaders: headerFilter } },
      },
    },
  },
} as const;

// https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-ExtensionProvider-EnvoyExternalAuthorizationHttpProvider
const envoyExtAuthzHttp = {
  type: 'object',
  additionalProperties: false,
  required: ['service', 'port'],
  properties: {
    service: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    timeout: duration,
    pathPrefix: { type: 'string', pattern: '^/' },
    failOpen: { type: 'boolean' },
    clearRouteCache: { type: 'boolean' },
    statusOnError: { type: 'string', pattern: '^[1-5][0-9]{2}$' },
    includeRequestHeadersInCheck: strings,
    includeAdditionalHeadersInCheck: stringMap,
    includeRequestBodyInCheck: {
      type: 'object',
      additionalProperties: false,
      properties: { maxRequestBytes: { type: 'integer', minimum: 0 }, allowPartialMessage: { type: 'boolean' }, packAsBytes: { type: 'boolean' } },
    },
    headersToUpstreamOnAllow: strings,
    headersToDownstreamOnDeny: strings,
    headersToDownstreamOnAllow: strings,
  },
};

/** IstioOperator (install.istio.io/v1alpha1) carrying HTTP ext_authz extension providers and nothing else. */
export const ISTIO_OPERATOR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'install.istio.io/v1alpha1' },
    kind: { const: 'IstioOperator' },
    metadata,
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['meshConfig'],
      properties: {
        meshConfig: {
          type: 'object',
          additionalProperties: false,
          required: ['extensionProviders'],
          properties: {
            extensionProviders: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: false, required: ['name', 'envoyExtAuthzHttp'], properties: { name: { type: 'string', minLength: 1 }, envoyExtAuthzHttp } },
            },
          },
        },
      },
    },
  },
} as const;
