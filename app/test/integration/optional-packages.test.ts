/**
 * The optional packages (app/src/optional-packages.ts) load only for the features that need them,
 * and at start-up: a gatehouse child process with the tests' minimal configuration loads none of
 * them; with the features configured, each is loaded by the time gatehouse is ready, before any
 * request; one that cannot be loaded stops the start with a message naming it and its feature.
 * What a process loaded is told by the module probe, a synchronous module hook given with
 * `node --import` that sees imports and requires alike.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { startGatehouse, type GatehouseProcess } from '../../../e2e/stack/gatehouse-process.ts';
import { createClientCertificates, type ClientCertificates } from '../../../e2e/support/client-certificates.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { OPTIONAL_PACKAGES, type OptionalPackage } from '../../src/optional-packages.ts';
import { HIDE_PACKAGES } from '../support/hide-packages.ts';
import { PROBE_PREFIX } from '../support/module-probe.ts';

const PROBE = join(import.meta.dirname, '..', 'support', 'module-probe.ts');
const HIDER = join(import.meta.dirname, '..', 'support', 'hide-packages.ts');
const ALL = Object.keys(OPTIONAL_PACKAGES) as OptionalPackage[];
// A bcrypt hash of a password nobody types; the file only has to be a valid htpasswd file.
const HTPASSWD = 'alice:$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n';

/** The optional packages a process's probe lines name, in the order of OPTIONAL_PACKAGES. */
function loadedPackages(logs: string): OptionalPackage[] {
  const urls = logs.split('\n').filter((line) => line.startsWith(PROBE_PREFIX));
  return ALL.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`)));
}

describe('optional packages', () => {
  const clientSecret = randomBytes(16).toString('hex');
  const started: GatehouseProcess[] = [];
  let idp: TestIdp;
  let certs: ClientCertificates;
  let dir: string;
  let features: Record<string, string>;

  /** Starts gatehouse with the tests' minimal configuration and `settings`, the probe loaded, `hidden` not installed. */
  const start = async (settings: Record<string, string>, hidden: readonly OptionalPackage[] = []): Promise<GatehouseProcess> => {
    const [port, metricsPort] = (await freePorts(2)) as [number, number];
    const hooks = [PROBE, ...(hidden.length > 0 ? [HIDER] : [])].map((file) => `--import=${file}`).join(' ');
    const local = { issuer: idp.issuer, clientSecret, origin: `http://127.0.0.1:${port}`, port, metricsPort };
    const gatehouse = await startGatehouse({ port, metricsPort, env: localGatehouseEnv(local, { NODE_OPTIONS: hooks, [HIDE_PACKAGES]: hidden.join(','), ...settings }) });
    started.push(gatehouse);
    return gatehouse;
  };

  before(async () => {
    idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: ['http://127.0.0.1/oauth2/callback'] }] });
    certs = await createClientCertificates();
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-optional-packages-'));
    await writeFile(join(dir, 'htpasswd'), HTPASSWD);
    const [elasticsearchPort, ldapPort] = (await freePorts(2)) as [number, number];
    // Neither is contacted at start-up: nothing needs to listen there.
    features = {
      GATEHOUSE_ELASTICSEARCH_HOSTS: `http://127.0.0.1:${elasticsearchPort}`,
      GATEHOUSE_ELASTICSEARCH_USERNAME: 'gatehouse',
      GATEHOUSE_ELASTICSEARCH_PASSWORD: randomBytes(12).toString('hex'),
      GATEHOUSE_IDENTITY_SOURCES: 'session,certificate,ldap',
      GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile,
      GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile,
      GATEHOUSE_CLIENT_CERT_SOURCES: '127.0.0.1/32',
      GATEHOUSE_LDAP_URL: `ldap://127.0.0.1:${ldapPort}`,
      GATEHOUSE_LDAP_ALLOW_PLAINTEXT: 'true',
      GATEHOUSE_LDAP_BIND_DN: 'cn=gatehouse,dc=example,dc=com',
      GATEHOUSE_LDAP_BIND_PASSWORD: randomBytes(12).toString('hex'),
      GATEHOUSE_LDAP_BASE_DN: 'ou=people,dc=example,dc=com',
    };
  });

  after(async () => {
    for (const gatehouse of started) await gatehouse.stop();
    await idp?.close();
    await certs?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a gatehouse with the minimal configuration loads none of them', async () => {
    const gatehouse = await start({});
    assert.deepEqual(loadedPackages(gatehouse.logs()), []);
  });

  it("each is loaded at start-up when its feature is configured, and no other's", async () => {
    const gatehouse = await start(features);
    assert.deepEqual(loadedPackages(gatehouse.logs()), ALL.filter((name) => name !== 'bcryptjs'));
    const htpasswd = await start({ GATEHOUSE_IDENTITY_SOURCES: 'session,htpasswd', GATEHOUSE_HTPASSWD_FILE: join(dir, 'htpasswd') });
    assert.deepEqual(loadedPackages(htpasswd.logs()), ['bcryptjs']);
  });

  it('one that cannot be loaded stops the start, naming the package and the feature', async () => {
    // ldapts is first needed by the configuration's check, the Elasticsearch client by the backend's construction.
    for (const name of ['ldapts', '@elastic/elasticsearch'] as const) {
      await assert.rejects(start(features, [name]), (err: Error) => {
        assert.match(err.message, /exited before it was ready \(exit code 1\)/);
        assert.ok(err.message.includes(`gatehouse: failed to start: ${OPTIONAL_PACKAGES[name]} needs the package ${name}, which cannot be loaded`), err.message);
        return true;
      });
    }
  });
});
