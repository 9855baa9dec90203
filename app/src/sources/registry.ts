/**
 * How each identity source is built, by name: adding a source is one line here, one name in
 * `SOURCE_NAMES` (config/identity-sources.ts), one folder, and one run of the source contract.
 */
import type { SourceName } from '../config/identity-sources.ts';
import type { AppDeps } from '../deps.ts';
import { createIntrospectionSource } from './introspection/introspection-source.ts';
import { createBearerSource } from './bearer/bearer-source.ts';
import { createCertificateSource } from './certificate/certificate-source.ts';
import type { IdentitySource } from './identity-source.ts';
import { createHtpasswdSource } from './htpasswd/htpasswd-source.ts';
import { createLdapSource } from './ldap/ldap-source.ts';
import { createSessionSource } from './session/session-source.ts';
import { createServiceAccountSource } from './serviceaccount/serviceaccount-source.ts';
import { createTrustedHeadersSource } from './trusted-headers/trusted-headers-source.ts';

/** Builds one source from the process's dependencies; its settings were validated at start-up. */
export type SourceFactory = (deps: AppDeps) => IdentitySource;

/** Every source's factory. */
export const SOURCE_FACTORIES: Readonly<Record<SourceName, SourceFactory>> = Object.freeze({
  session: createSessionSource,
  bearer: createBearerSource,
  introspection: createIntrospectionSource,
  'trusted-headers': createTrustedHeadersSource,
  certificate: createCertificateSource,
  ldap: (deps) => createLdapSource(deps),
  htpasswd: createHtpasswdSource,
  serviceaccount: createServiceAccountSource,
});
