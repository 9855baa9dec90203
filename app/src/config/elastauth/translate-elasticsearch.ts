/**
 * elastauth's `elasticsearch` section: the cluster gatehouse provisions users in, and the
 * administrative account it does so with.
 */
import { checkKnownKeys, own, readBool, readListEntries, readNonEmpty, readSection, type Translation } from './read-value.ts';

const ELASTICSEARCH_KEYS = ['hosts', 'username', 'password', 'dry_run'];

/** One host URL, or a problem; credentials in the URL are refused because URLs end up in logs. */
function checkHost(host: string, where: string, out: Translation, problems: string[]): boolean {
  const url = URL.canParse(host) ? new URL(host) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    problems.push(`${where}: expected an http(s) URL such as https://elasticsearch:9200`);
    return false;
  }
  if (url.username !== '' || url.password !== '') {
    problems.push(`${where}: holds credentials; put them in elasticsearch.username and elasticsearch.password`);
    return false;
  }
  if (host.includes(',')) {
    problems.push(`${where}: a host URL cannot contain a comma`);
    return false;
  }
  if (url.protocol === 'http:') {
    out.warnings.push(`${where}: plain http sends the Elasticsearch administrator's credentials unencrypted`);
  }
  return true;
}

/** Translates the `elasticsearch` section; its presence selects the Elasticsearch backend. */
export function translateElasticsearch(value: unknown, out: Translation, problems: string[]): void {
  const section = readSection(value, 'elasticsearch', problems);
  if (!section) return;
  checkKnownKeys(section, ELASTICSEARCH_KEYS, 'elasticsearch', problems);
  out.env.GATEHOUSE_BACKEND = 'elasticsearch';
  const hosts = readListEntries(own(section, 'hosts'), 'elasticsearch.hosts', problems);
  if (hosts !== undefined) {
    const good = hosts.filter((host) => checkHost(host.value, host.where, out, problems));
    if (hosts.length === 0) problems.push('elasticsearch.hosts: needs at least one host');
    else if (good.length === hosts.length) out.env.GATEHOUSE_ELASTICSEARCH_HOSTS = hosts.map((host) => host.value).join(',');
  }
  const username = readNonEmpty(own(section, 'username'), 'elasticsearch.username', problems);
  if (username !== undefined) out.env.GATEHOUSE_ELASTICSEARCH_USERNAME = username;
  const password = readNonEmpty(own(section, 'password'), 'elasticsearch.password', problems);
  if (password !== undefined) out.env.GATEHOUSE_ELASTICSEARCH_PASSWORD = password;
  const dryRun = readBool(own(section, 'dry_run'), 'elasticsearch.dry_run', problems);
  if (dryRun !== undefined) out.env.GATEHOUSE_ELASTICSEARCH_DRY_RUN = String(dryRun);
}
