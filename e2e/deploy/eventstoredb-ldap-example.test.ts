/**
 * The EventStoreDB LDAP example: k8s-examples/chart-values/eventstoredb-ldap.yaml renders a release
 * whose pod configuration gatehouse's --check-config accepts (the bind password and CA from the
 * Secrets the example creates), with the LDAP plugin's settings where the comments say, and
 * k8s-examples/eventstoredb-ldap-ingress.yaml wires EventStoreDB exactly as
 * e2e/contract/basic-through-nginx.test.ts runs it through real nginx against a real slapd.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { GATEHOUSE_MAIN, REPO_ROOT } from '../stack/gatehouse-process.ts';
import { createTestCertificates } from '../support/tls-certificates.ts';
import { renderChart } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';
import { renderedGatehouseEnv } from './support/rendered-pod.ts';

const execFileAsync = promisify(execFile);
const VALUES = 'k8s-examples/chart-values/eventstoredb-ldap.yaml';

describe('k8s-examples: EventStoreDB users from LDAP', () => {
  it('the chart values render a release whose configuration gatehouse accepts', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [VALUES] }));
    const settings = only(manifests, 'ConfigMap')['data'] as Record<string, string>;
    assert.equal(settings.GATEHOUSE_IDENTITY_SOURCES, 'ldap');
    assert.equal(settings.GATEHOUSE_LDAP_GROUP_NAME, 'dn');
    assert.equal(settings.GATEHOUSE_LDAP_REQUIRED_GROUP, 'cn=ES-Users,dc=mycompany,dc=local');
    assert.equal(settings.GATEHOUSE_BASIC_REALM, 'EventStoreDB');
    assert.equal(settings.GATEHOUSE_BACKEND, 'eventstore');
    const config = parse(settings['config.yaml'] ?? '') as { group_mappings: Record<string, string[]> };
    assert.deepEqual(config.group_mappings['cn=ES-Admins,ou=Staff,dc=mycompany,dc=local'], ['$admins']);
    const certs = await createTestCertificates();
    try {
      const env = renderedGatehouseEnv(manifests, { 'gatehouse-ldap': { 'bind-password': 'the-bind-password' }, 'gatehouse-ldap-ca': { 'ca.crt': certs.caPem } });
      const checked = await execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });
      assert.match(checked.stdout, /configuration is valid/);
    } finally {
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('the Ingress is the route the nginx end-to-end test runs: Basic, no sign-in redirect, the password stopped at nginx', () => {
    const ingress = only(parseManifests(readFileSync(join(REPO_ROOT, 'k8s-examples', 'eventstoredb-ldap-ingress.yaml'), 'utf8')), 'Ingress');
    const annotations = ingress.metadata.annotations ?? {};
    assert.equal(annotations['nginx.ingress.kubernetes.io/auth-signin'], undefined);
    assert.equal(new URL(annotations['nginx.ingress.kubernetes.io/auth-url'] ?? '').search, '?backend=eventstore');
    const headers = (annotations['nginx.ingress.kubernetes.io/auth-response-headers'] ?? '').split(',').map((h) => h.trim());
    assert.deepEqual(headers.sort(), ['Authorization', 'ES-TrustedAuth']);
    const e2e = readFileSync(join(REPO_ROOT, 'e2e', 'contract', 'basic-through-nginx.test.ts'), 'utf8');
    assert.match(e2e, /name: 'eventstoredb-ldap', path: '\/', authQuery: '\?backend=eventstore', signin: 'none'/);
  });
});
