/**
 * elastauth's `cache` section: where credentials live between requests and for how long.
 */
import { goDurationToGatehouse } from './go-duration.ts';
import { checkKnownKeys, own, readInt, readSection, readString, type Translation } from './read-value.ts';

const CACHE_KEYS = ['type', 'expiration', 'redis_host', 'redis_db', 'path'];
const HOST_PORT = /^(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(?<port>\d{1,5})$/;

function translateType(section: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): string | undefined {
  const type = readString(own(section, 'type'), 'cache.type', problems) ?? '';
  switch (type) {
    case '':
      out.warnings.push('cache.type: empty means no cache in elastauth; gatehouse keeps credentials in memory');
      out.env.GATEHOUSE_SESSION_STORE = 'memory';
      return 'memory';
    case 'memory':
    case 'redis':
      out.env.GATEHOUSE_SESSION_STORE = type;
      return type;
    case 'file':
      problems.push(
        "cache.type: file is not supported: a cache on one pod's disk is lost with the pod and never shared between replicas; use memory for one replica or redis for several",
      );
      return undefined;
    default:
      problems.push(`cache.type: "${type}" is not one of memory, redis`);
      return undefined;
  }
}

function translateExpiration(value: unknown, out: Translation, problems: string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' && typeof value !== 'number') {
    problems.push('cache.expiration: expected a duration such as 1h');
    return;
  }
  const converted = goDurationToGatehouse(String(value));
  if ('problem' in converted) problems.push(`cache.expiration: ${converted.problem}`);
  else out.env.GATEHOUSE_CREDENTIAL_TTL = converted.value;
}

function translateRedis(section: Readonly<Record<string, unknown>>, type: string | undefined, out: Translation, problems: string[]): void {
  const rawHost = own(section, 'redis_host');
  const rawDb = own(section, 'redis_db');
  if (type !== 'redis') {
    if (type !== undefined && (rawHost !== undefined || rawDb !== undefined)) {
      out.warnings.push('cache.redis_host, cache.redis_db: ignored, as in elastauth, while cache.type is not redis');
    }
    return;
  }
  const host = readString(rawHost, 'cache.redis_host', problems);
  const db = readInt(rawDb, 0, 15, 'cache.redis_db', problems);
  if (host === undefined) {
    // elastauth would fall back to localhost:6379; in a cluster that is never the shared Redis.
    out.warnings.push('cache.redis_host: not set; give GATEHOUSE_REDIS_URL (or sentinels or cluster nodes) in the environment');
    return;
  }
  const match = HOST_PORT.exec(host.trim());
  const port = Number(match?.groups?.port);
  if (!match || port < 1 || port > 65535) {
    problems.push('cache.redis_host: expected host:port, such as redis:6379');
    return;
  }
  out.env.GATEHOUSE_REDIS_URL = `redis://${match.groups?.host}:${port}/${db ?? 0}`;
}

/** Translates the `cache` section; an empty type means memory. */
export function translateCache(value: unknown, out: Translation, problems: string[]): void {
  const section = readSection(value, 'cache', problems);
  if (!section) return;
  checkKnownKeys(section, CACHE_KEYS, 'cache', problems);
  const type = translateType(section, out, problems);
  translateExpiration(own(section, 'expiration'), out, problems);
  translateRedis(section, type, out, problems);
  if (own(section, 'path') !== undefined && type !== undefined) {
    out.warnings.push('cache.path: ignored; it belongs to the file cache, which gatehouse does not have');
  }
}
