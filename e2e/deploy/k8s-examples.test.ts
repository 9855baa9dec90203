/**
 * The k8s-examples are valid Kubernetes objects, and their external-auth annotations are the ones
 * the end-to-end tests run through: same auth Service and path, the sign-in forms, query parameters
 * and backends of the routes e2e/nginx renders (its defaults and those the nginx tests declare), the
 * response headers nginx copies there. NOTES.txt and the chart's own Ingress print and render the
 * same wiring.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_AUTH_RESPONSE_HEADERS, DEFAULT_INGRESSES } from '../nginx/ingresses.ts';
import type { ProtectedIngress } from '../nginx/ingresses.ts';
import { AUTH_UPSTREAM } from '../nginx/render-conf.ts';
import { signinUrl } from '../nginx/render-auth-locations.ts';
import { REPO_ROOT, renderChart, renderNotes } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';
import { unknownFieldProblems } from './support/strict-fields.ts';
import { validateManifests } from './support/validate-manifests.ts';

const EXAMPLES = join(REPO_ROOT, 'k8s-examples');
const A = 'nginx.ingress.kubernetes.io/';

/**
 * The routes and response headers the nginx end-to-end tests render: e2e/nginx's defaults plus the
 * Ingresses and header lists the tests under e2e/contract and e2e/browser declare for it.
 */
function nginxTestedRoutes(): { routes: ProtectedIngress[]; headers: Set<string> } {
  const routes: ProtectedIngress[] = [...DEFAULT_INGRESSES];
  const headers = new Set(DEFAULT_AUTH_RESPONSE_HEADERS);
  for (const dir of ['contract', 'browser']) {
    for (const file of readdirSync(join(REPO_ROOT, 'e2e', dir)).filter((f) => f.endsWith('.test.ts'))) {
      const source = readFileSync(join(REPO_ROOT, 'e2e', dir, file), 'utf8');
      for (const m of source.matchAll(/name: '([^']+)', path: '([^']+)', authQuery: '([^']*)', signin: '(relative-rd|absolute-rd|none)'(, alwaysSetCookie: true)?/g)) {
        routes.push({ name: m[1] ?? '', path: m[2] ?? '', authQuery: m[3] ?? '', signin: m[4] as ProtectedIngress['signin'], ...(m[5] ? { alwaysSetCookie: true } : {}) });
      }
      for (const list of source.matchAll(/responseHeaders: \[([^\]]*)\]/g)) {
        for (const name of (list[1] ?? '').matchAll(/'([A-Za-z-]+)'/g)) headers.add(name[1] ?? '');
      }
    }
  }
  return { routes, headers };
}
const tested = nginxTestedRoutes();

const examples: Manifest[] = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) => parseManifests(readFileSync(join(EXAMPLES, name), 'utf8')));
const protectedIngresses = examples.filter((m) => m.kind === 'Ingress' && m.metadata.annotations?.[`${A}auth-url`] !== undefined);

const headerList = (value: string | undefined): string[] => (value ?? '').split(',').map((h) => h.trim()).filter(Boolean);
const pathAndQuery = (url: string): string => url.replace(/^https?:\/\/\$host(:\d+)?/, '');

/** The example Ingress in the form e2e/nginx renders Ingresses from. */
function asProtectedIngress(ingress: Manifest): ProtectedIngress {
  const annotations = ingress.metadata.annotations ?? {};
  const url = new URL(annotations[`${A}auth-url`] ?? '');
  const signin = annotations[`${A}auth-signin`];
  return {
    name: ingress.metadata.name,
    path: '/',
    authQuery: url.search,
    signin: signin === undefined ? 'none' : signin.includes('?rd=') ? 'relative-rd' : 'absolute-rd',
    ...(annotations[`${A}auth-always-set-cookie`] === 'true' ? { alwaysSetCookie: true } : {}),
  };
}

describe('k8s-examples', () => {
  it('are valid Kubernetes objects without unknown fields', async () => {
    assert.ok(protectedIngresses.length >= 5, `only ${protectedIngresses.length} protected Ingresses`);
    assert.deepEqual(await validateManifests(examples), []);
    assert.deepEqual(unknownFieldProblems([{ label: 'k8s-examples', manifests: examples }]), []);
  });

  it('ask the same auth Service and path as the end-to-end nginx', () => {
    for (const ingress of protectedIngresses) {
      const url = new URL(ingress.metadata.annotations?.[`${A}auth-url`] ?? '');
      assert.equal(`${url.protocol}//${url.hostname}${url.pathname}`, `http://${AUTH_UPSTREAM}/oauth2/auth`, ingress.metadata.name);
      assert.equal(url.port, '4180', `${ingress.metadata.name}: the chart's service.port`);
    }
  });

  it('use only sign-in forms, query parameters and backends the end-to-end nginx renders', () => {
    const forms = tested.routes.map((i) => `${i.signin}/${i.alwaysSetCookie === true}`);
    const parameters = new Set(tested.routes.flatMap((i) => [...new URLSearchParams(i.authQuery).keys()]));
    const backends = new Set(tested.routes.flatMap((i) => new URLSearchParams(i.authQuery).getAll('backend')));
    assert.ok(backends.has('elasticsearch') && backends.has('eventstore'), `the nginx tests render backends ${[...backends].join(', ')}`);
    for (const ingress of protectedIngresses) {
      const form = asProtectedIngress(ingress);
      assert.ok(forms.includes(`${form.signin}/${form.alwaysSetCookie === true}`), `${form.name}: ${form.signin} is not what e2e renders`);
      const query = new URLSearchParams(form.authQuery);
      for (const parameter of query.keys()) assert.ok(parameters.has(parameter), `${form.name}: ${parameter} is not exercised by e2e`);
      for (const backend of query.getAll('backend')) assert.ok(backends.has(backend), `${form.name}: backend ${backend} is not exercised by e2e`);
      if (form.signin === 'relative-rd') {
        const e2e = DEFAULT_INGRESSES.find((i) => i.signin === 'relative-rd');
        assert.ok(e2e);
        const rendered = signinUrl(e2e, { listenPort: 8080, authUpstream: AUTH_UPSTREAM, appUpstream: 'app', responseHeaders: [] });
        assert.equal(pathAndQuery(ingress.metadata.annotations?.[`${A}auth-signin`] ?? ''), pathAndQuery(rendered), form.name);
      }
    }
    assert.ok(protectedIngresses.some((i) => asProtectedIngress(i).signin === 'none'), 'no API example without auth-signin');
  });

  it('copy only response headers the end-to-end nginx copies', () => {
    for (const ingress of protectedIngresses) {
      for (const header of headerList(ingress.metadata.annotations?.[`${A}auth-response-headers`])) {
        assert.ok(tested.headers.has(header), `${ingress.metadata.name}: ${header} is not copied in e2e (${[...tested.headers].join(', ')})`);
      }
    }
  });

  it('global auth uses the web app annotations, and gatehouse opts out of it like the chart does', async () => {
    const webApp = only(examples, 'Ingress', 'app').metadata.annotations ?? {};
    const global = only(examples, 'ConfigMap')['data'] as Record<string, string>;
    assert.equal(global['global-auth-url'], webApp[`${A}auth-url`]);
    assert.equal(global['global-auth-signin'], webApp[`${A}auth-signin`]);
    assert.deepEqual(headerList(global['global-auth-response-headers']), headerList(webApp[`${A}auth-response-headers`]));
    const own = only(examples, 'Ingress', 'gatehouse');
    const chartIngress = only(parseManifests(await renderChart({ valuesFiles: ['chart/ci/replicas-redis-values.yaml'] })), 'Ingress');
    for (const ingress of [own, chartIngress]) {
      assert.equal(ingress.metadata.annotations?.[`${A}enable-global-auth`], 'false');
      assert.equal(Object.keys(ingress.metadata.annotations ?? {}).some((k) => k.startsWith(`${A}auth-`)), false);
      assert.deepEqual((ingress['spec'] as { rules: { http: { paths: { path: string; pathType: string }[] } }[] }).rules[0]?.http.paths.map((p) => [p.path, p.pathType]), [['/oauth2', 'Prefix']]);
    }
  });

  it('NOTES.txt prints the web app annotations for release gatehouse in namespace auth', async () => {
    const notes = await renderNotes({ valuesFiles: ['chart/ci/default-values.yaml'], release: 'gatehouse', namespace: 'auth' });
    const webApp = only(examples, 'Ingress', 'app').metadata.annotations ?? {};
    for (const name of ['auth-url', 'auth-signin', 'auth-response-headers']) {
      assert.ok(notes.includes(`${A}${name}: "${webApp[`${A}${name}`]}"`), `NOTES lacks ${name}: "${webApp[`${A}${name}`]}"\n${notes}`);
    }
  });
});
