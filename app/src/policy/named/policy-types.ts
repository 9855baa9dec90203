/**
 * The compiled form of a named policy. Every condition present must hold; within one condition
 * any listed value suffices. An absent condition places no constraint.
 */
import type { Cidr } from './ip-address.ts';
import type { ServiceAccountPattern } from './service-account-pattern.ts';

/** A value a claim condition may compare with; comparison is type-aware ("1" is not 1). */
export type ClaimScalar = string | number | boolean;

/** Conditions on one claim, reached by a dotted path through own properties. */
export interface ClaimCondition {
  /** the dotted path as written, for messages */
  readonly text: string;
  readonly path: readonly string[];
  readonly equals?: ClaimScalar;
  readonly oneOf?: readonly ClaimScalar[];
  readonly matches?: RegExp;
}

/** A path rule: a segment-aware prefix or a fully anchored regex on the routed path. */
export type PathMatcher =
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'regex'; readonly regex: RegExp };

/** A named policy from the `policies` configuration section. */
export interface NamedPolicy {
  readonly name: string;
  readonly groups?: readonly string[];
  readonly roles?: readonly string[];
  /** lower-cased */
  readonly emails?: readonly string[];
  /** lower-cased */
  readonly emailDomains?: readonly string[];
  readonly claims?: readonly ClaimCondition[];
  /** upper-cased */
  readonly methods?: readonly string[];
  readonly paths?: readonly PathMatcher[];
  readonly sourceNetworks?: readonly Cidr[];
  /** Kubernetes ServiceAccounts (serviceaccount source only). */
  readonly serviceAccounts?: readonly ServiceAccountPattern[];
  /** A SubjectAccessReview the Kubernetes API must allow (serviceaccount source only). */
  readonly kubernetesAccess?: KubernetesAccess;
}

/**
 * What a SubjectAccessReview asks, as the Kubernetes API's ResourceAttributes (group, version,
 * resource, subresource, namespace, name) or NonResourceAttributes (path), with the verb.
 */
export type KubernetesAccess =
  | {
      readonly verb: string;
      readonly resource: {
        readonly group: string;
        readonly version: string;
        readonly resource: string;
        readonly subresource: string;
        readonly namespace: string;
        readonly name: string;
      };
    }
  | { readonly verb: string; readonly path: string };
