/**
 * Loaded with `node --import` before gatehouse: writes one line to stderr for every module it
 * resolves from OpenTelemetry's packages, gatehouse's tracing folder or the optional packages
 * (app/src/optional-packages.ts), whether by import or by require (Node's synchronous module hooks
 * see both), so a test can tell what was loaded.
 */
import { registerHooks } from 'node:module';

/** The prefix of each line the probe writes. */
export const PROBE_PREFIX = 'module-probe: ';

const WATCHED = /\/node_modules\/(@opentelemetry\/|@elastic\/elasticsearch\/|@peculiar\/asn1-(schema|x509)\/|ldapts\/|bcryptjs\/)|\/observability\/tracing\//;
const seen = new Set<string>();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (WATCHED.test(resolved.url) && !seen.has(resolved.url)) {
      seen.add(resolved.url);
      process.stderr.write(`${PROBE_PREFIX}${resolved.url}\n`);
    }
    return resolved;
  },
});
