/**
 * `make dashboard-screenshot`: docs/dashboard.png, the Grafana dashboard of the chart drawn from a
 * real Prometheus (Debian's `prometheus` package) scraping two gatehouse replicas under load: one
 * on Redis with the Elasticsearch backend (its stand-in), one on the memory store, both against the
 * test OpenID Provider. Grafana is not packaged in Debian, so each panel's PromQL is sent to
 * Prometheus's range-query API and the answers are drawn as SVG on Grafana's grid and photographed
 * with Debian's Chromium. DASHBOARD_MINUTES sets the length of the load (6 by default).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runDashboardLoad } from '../e2e/dashboard/dashboard-load.ts';
import { PROMETHEUS, startPrometheus, type PrometheusServer } from '../e2e/dashboard/prometheus-server.ts';
import { queryPanels } from '../e2e/dashboard/query-panels.ts';
import { dashboardHtml } from '../e2e/dashboard/render-panels.ts';
import { startTestIdp } from '../e2e/idp/test-idp.ts';
import { startGatehouse, type GatehouseProcess } from '../e2e/stack/gatehouse-process.ts';
import { startElasticsearchStandIn } from '../e2e/stand-ins/elasticsearch/stand-in.ts';
import { launchBrowser } from '../e2e/support/browser.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { startRedisServer } from '../e2e/support/redis-server.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'dashboard.png');
const MINUTES = Number(process.env.DASHBOARD_MINUTES ?? 6);
const SCRAPE_SECONDS = 5;
const CONFIG = 'default_roles: [kibana_user]\n';

if (!existsSync(PROMETHEUS)) {
  process.stderr.write(`dashboard-screenshot: ${PROMETHEUS} is missing; install Debian's package: apt-get install prometheus\n`);
  process.exit(1);
}

const log = (line: string): void => void process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-dashboard-shot-'));
const configFile = join(dir, 'config.yaml');
writeFileSync(configFile, CONFIG);
const [portA, metricsA, portB, metricsB] = (await freePorts(4)) as [number, number, number, number];
const origins = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
const clientSecret = randomBytes(16).toString('hex');
const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: origins.map((o) => `${o}/oauth2/callback`) }], accessTokenTtlSeconds: 120 });
const redis = await startRedisServer({ appendOnly: true });
const es = await startElasticsearchStandIn();
const replicas: GatehouseProcess[] = [];
let prometheus: PrometheusServer | undefined;
try {
  const common = { GATEHOUSE_LOG_LEVEL: 'warn', GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32', GATEHOUSE_REFRESH_BEFORE_EXPIRY: '60s' };
  replicas.push(
    await startGatehouse({
      port: portA,
      metricsPort: metricsA,
      env: localGatehouseEnv({ issuer: idp.issuer, clientSecret, origin: origins[0] as string, port: portA, metricsPort: metricsA }, {
        ...common,
        GATEHOUSE_SESSION_STORE: 'redis',
        GATEHOUSE_REDIS_URL: redis.url,
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
        GATEHOUSE_CREDENTIAL_TTL: '45s',
        GATEHOUSE_CONFIG_FILE: configFile,
      }),
    }),
    await startGatehouse({
      port: portB,
      metricsPort: metricsB,
      env: localGatehouseEnv({ issuer: idp.issuer, clientSecret, origin: origins[1] as string, port: portB, metricsPort: metricsB }, common),
    }),
  );
  prometheus = await startPrometheus({ job: 'gatehouse', targets: [`127.0.0.1:${metricsA}`, `127.0.0.1:${metricsB}`], scrapeSeconds: SCRAPE_SECONDS });
  log(`${prometheus.version} on ${prometheus.url} (pid ${prometheus.pid}) scraping 127.0.0.1:${metricsA} and 127.0.0.1:${metricsB}`);
  const [main] = replicas as [GatehouseProcess];
  const reloadWith = (text: string) => async (): Promise<void> => {
    writeFileSync(configFile, text);
    process.kill(main.pid, 'SIGHUP');
  };
  const start = Math.floor(Date.now() / 1000);
  const sent = await runDashboardLoad(
    {
      origins,
      events: [
        { at: 0.2, name: 'the provider is down for 25 s', run: async () => (idp.setDown(true), await sleep(25_000), idp.setDown(false)) },
        { at: 0.4, name: 'Redis is down for 20 s', run: async () => (await redis.stop(), await sleep(20_000), await redis.restart()) },
        { at: 0.6, name: 'Elasticsearch answers 503 for 25 s', run: async () => (es.setFault({ kind: 'status', status: 503 }), await sleep(25_000), es.setFault(undefined)) },
        // Twice each: a counter's first increment creates its series, which no rate can show.
        ...[0.7, 0.85].flatMap((at) => [
          { at, name: 'a config change is applied', run: reloadWith(`${CONFIG}group_mappings:\n  admins: [kibana_admin]\n`) },
          { at: at + 0.05, name: 'a broken config is refused', run: reloadWith('roles: [unclosed\n') },
          { at: at + 0.1, name: 'the config is restored', run: reloadWith(CONFIG) },
        ]),
      ],
    },
    MINUTES * 60,
    log,
  );
  log(`load done: ${sent} requests; waiting for the last scrapes`);
  await sleep(3 * SCRAPE_SECONDS * 1000);
  const end = Math.floor(Date.now() / 1000);
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'chart/files/grafana-dashboard.json'), 'utf8')) as Parameters<typeof queryPanels>[0] & { title: string };
  const window = { start, end, stepSeconds: SCRAPE_SECONDS, rateInterval: `${6 * SCRAPE_SECONDS}s`, variables: { job: 'gatehouse' } };
  const panels = await queryPanels(dashboard, prometheus.url, window);
  const html = dashboardHtml({
    title: dashboard.title,
    subtitle: `job = gatehouse (2 replicas) · last ${Math.round((end - start) / 60)} minutes`,
    note:
      `Drawn from chart/files/grafana-dashboard.json by make dashboard-screenshot: each panel's PromQL sent to ${prometheus.version} (Debian's prometheus package) ` +
      `scraping two gatehouse replicas every ${SCRAPE_SECONDS} s under load (${sent.toLocaleString('en-US')} requests in ${MINUTES} minutes: checks at every proxy endpoint, sign-ins and failed callbacks, ` +
      'Elasticsearch-backed checks, the provider down, a Redis outage, Elasticsearch failing, config reloads). Grafana is not packaged in Debian, so the answers are drawn as SVG on Grafana\'s grid and photographed with Chromium.',
    panels,
    window,
  });
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1632, height: 900 } })).newPage();
    await page.setContent(html);
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
  }
  log(`wrote ${OUT}`);
} finally {
  await prometheus?.stop();
  for (const replica of replicas) await replica.stop();
  await es.close();
  await redis.stop().catch(() => {});
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
}
