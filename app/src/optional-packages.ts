/**
 * The packages only some deployments use, loaded when the feature that needs them is built at
 * start-up instead of whenever gatehouse's modules are imported: a gatehouse without an
 * Elasticsearch backend, client certificates, LDAP or htpasswd never loads their packages and
 * spares their memory (docs/memory.md). At run time these packages are reached through here
 * alone; everywhere else they appear in `import type` only.
 *
 * Loading is synchronous, a `require` of the very file a static `import` would load: the steps
 * that build these features (the configuration's checks, the sources and backends made at
 * start-up) are synchronous, and one instance of each package serves both ways in, so the classes
 * a test imports are the ones `instanceof` sees here. Each feature reaches its package while it is
 * built, before gatehouse listens: a missing or broken package stops the start with a message
 * naming it and the feature, and later calls only return the package already loaded.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Each optional package and the feature that loads it, as a failure to load names it. */
export const OPTIONAL_PACKAGES = Object.freeze({
  '@elastic/elasticsearch': 'the Elasticsearch backend (GATEHOUSE_ELASTICSEARCH_HOSTS)',
  '@peculiar/asn1-schema': 'the certificate source (GATEHOUSE_CLIENT_CA_FILE)',
  '@peculiar/asn1-x509': 'the certificate source (GATEHOUSE_CLIENT_CA_FILE)',
  ldapts: 'the ldap source (GATEHOUSE_LDAP_URL)',
  bcryptjs: 'the htpasswd source (GATEHOUSE_HTPASSWD_FILE)',
});

/** The name of an optional package. */
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** An optional package could not be loaded: gatehouse's installation is incomplete or damaged. */
export class OptionalPackageError extends Error {
  readonly code = 'PACKAGE_UNAVAILABLE';
  readonly packageName: OptionalPackage;

  constructor(packageName: OptionalPackage, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n', 1)[0] : String(cause);
    super(`${OPTIONAL_PACKAGES[packageName]} needs the package ${packageName}, which cannot be loaded (${reason}); reinstall gatehouse's dependencies`, { cause });
    this.name = 'OptionalPackageError';
    this.packageName = packageName;
  }
}

const requireFile = createRequire(import.meta.url);
const loaded = new Map<OptionalPackage, unknown>();

/**
 * The package `name`, loaded on the first call.
 * @throws OptionalPackageError when it cannot be resolved or its code fails to load
 */
function load<T>(name: OptionalPackage): T {
  let exports = loaded.get(name);
  if (exports === undefined) {
    try {
      exports = requireFile(fileURLToPath(import.meta.resolve(name)));
    } catch (err) {
      throw new OptionalPackageError(name, err);
    }
    loaded.set(name, exports);
  }
  return exports as T;
}

/** The official Elasticsearch client. */
export const elasticsearchPackage = (): typeof import('@elastic/elasticsearch') => load('@elastic/elasticsearch');

/** The ASN.1 decoder the certificate source reads certificates and revocation lists with. */
export const asn1SchemaPackage = (): typeof import('@peculiar/asn1-schema') => load('@peculiar/asn1-schema');

/** The X.509 structures (RFC 5280) for that decoder. */
export const x509Package = (): typeof import('@peculiar/asn1-x509') => load('@peculiar/asn1-x509');

/** The LDAP client. */
export const ldapPackage = (): typeof import('ldapts') => load('ldapts');

/** bcrypt, for htpasswd -B entries. */
export const bcryptPackage = (): typeof import('bcryptjs') => load('bcryptjs');
