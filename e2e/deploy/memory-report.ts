#!/usr/bin/env node
/**
 * Writes docs/memory.md: the image under the chart's memory limit, as Node sizes its heap on its
 * own and with the image's entrypoint (--max-old-space-size-percentage=50), each at its maximum rate
 * and at one set rate (MEMORY_RATE, 2500 checks/s), each for MEMORY_SECONDS (150 by default), with
 * the heap limit Node picks in that cgroup. Needs root and the image localhost/gatehouse:test (make test-deploy builds it).
 *   usage: node e2e/deploy/memory-report.ts
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestIdp } from '../idp/test-idp.ts';
import { freePorts } from '../support/ports.ts';
import { REPO_ROOT } from './support/helm.ts';
import { inspectImage, mountImage, runContainer, type ImageConfig } from './support/image.ts';
import { chartMemoryLimit } from './support/memory-bounds.ts';
import { mib, runUnderMemoryLimit, type MemoryRunResult } from './support/memory-run.ts';

const TAG = 'localhost/gatehouse:test';
const seconds = Number(process.env.MEMORY_SECONDS ?? 150);
/** The set rate both heap sizings are compared at: the same work for each, whatever the machine is doing. */
const SET_RATE = Number(process.env.MEMORY_RATE ?? 2500);
const PROBE = 'const v8=require("v8");console.log(JSON.stringify({heapLimit:v8.getHeapStatistics().heap_size_limit,constrained:process.constrainedMemory()}))';

/** What Node reports inside the cgroup with `flags`. */
async function heapLimitWith(rootfs: string, config: ImageConfig, flags: string[], limitBytes: number): Promise<{ heapLimit: number; constrained: number }> {
  const container = await runContainer(rootfs, { ...config, Entrypoint: ['node', ...flags, '-e', PROBE] }, {}, [], { memoryBytes: limitBytes });
  await container.process.exited;
  await container.stop();
  return JSON.parse(container.process.logs().trim().split('\n').at(-1) ?? '{}') as { heapLimit: number; constrained: number };
}

const row = (name: string, load: string, heap: { heapLimit: number }, run: MemoryRunResult): string => {
  const peakAnon = Math.max(run.final.anonBytes, ...run.loaded.map((r) => r.anonBytes));
  const died = run.exited === undefined ? '' : ` — **exited after ${run.loaded.length * 5}–${run.loaded.length * 5 + 5} s: ${run.exited}**`;
  const anonSeries = run.loaded.filter((_, i) => i % 6 === 5).map((r) => mib(r.anonBytes)).join(' → ');
  return `| ${name} | ${load} | ${mib(heap.heapLimit)} | ${mib(run.idle.usageBytes)} (${mib(run.idle.anonBytes)}) | ${run.rate.toFixed(0)} | ${mib(run.final.peakBytes)} (${mib(peakAnon)}) | ${run.final.limitHits} | ${run.final.oomKills} | ${run.wrong} | ${anonSeries}${died} |`;
};

const limitBytes = chartMemoryLimit();
const config = await inspectImage(TAG);
const image = await mountImage(TAG);
const rows: string[] = [];
/** At the maximum rate, what became of each heap sizing. */
const outcomes: string[] = [];
try {
  const entrypointFlags = (config.Entrypoint ?? []).filter((arg) => arg.startsWith('--'));
  const image50 = `the image's entrypoint (${entrypointFlags.join(' ')})`;
  const variants: Array<[string, string[], number | undefined]> = [
    ['Node on its own (no flag)', [], undefined],
    [image50, entrypointFlags, undefined],
    ['Node on its own (no flag)', [], SET_RATE],
    [image50, entrypointFlags, SET_RATE],
  ];
  for (const [name, flags, rate] of variants) {
    const heap = await heapLimitWith(image.rootfs, config, flags, limitBytes);
    const [port = 0] = await freePorts(1);
    const clientSecret = 'memory-report-secret';
    const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: [`http://127.0.0.1:${port}/oauth2/callback`] }] });
    try {
      const run = await runUnderMemoryLimit({ rootfs: image.rootfs, config: { ...config, Entrypoint: ['node', ...flags, 'app/src/main.ts'] }, idp, clientSecret, port, limitBytes, seconds, ...(rate === undefined ? {} : { rate }) });
      rows.push(row(name, rate === undefined ? 'maximum' : `${rate}/s`, heap, run));
      if (rate === undefined) {
        outcomes.push(
          run.exited === undefined
            ? `${name}: peak ${mib(run.final.peakBytes)} MiB, at the limit ${run.final.limitHits} times, answering throughout`
            : `${name}: killed after ${run.loaded.length * 5}–${run.loaded.length * 5 + 5} s (${run.exited}${run.final.oomKills > 0 ? ', the OOM killer' : ''})`,
        );
      }
      process.stdout.write(`${rows.at(-1)}\n`);
      if (name.startsWith('Node')) rows.push(`<!-- constrainedMemory ${mib(heap.constrained)} MiB -->`);
    } finally {
      await idp.close();
    }
  }
} finally {
  await image.remove();
}
const { stdout: kernel } = await promisify(execFile)('uname', ['-r']);
const constrained = /constrainedMemory ([\d.]+)/.exec(rows.join('\n'))?.[1] ?? '?';
const text = `# Memory

Written by \`node e2e/deploy/memory-report.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (kernel ${kernel.trim()}; load average
at the start ${loadavg().map((n) => n.toFixed(1)).join(', ')} on 2 cores shared with other work, so the rates are a busy machine's). The
image test (e2e/deploy/image.test.ts, in \`make test\`) runs the same load for 120 s with the image's
entrypoint and asserts the bounds below.

## The image under the chart's limit

The image runs as the kubelet runs it (runc, read-only root, no capabilities) in a memory cgroup with the
chart's default limit, ${mib(limitBytes)} MiB, and no swap; on the memory store, 32 checks in flight from 20
signed-in sessions with fresh garbage cookies mixed in, for ${seconds} s: at the maximum rate (32 checks in flight),
and, to compare the two heap sizings on the same work however busy the machine is, at ${SET_RATE} checks/s. Read from the cgroup: usage (page cache
included) and anonymous memory (the process's own, in brackets), the highest usage, how often usage reached
the limit (v1 \`memory.failcnt\`, v2 \`memory.events\` max) and OOM kills. The heap limit is what
\`v8.getHeapStatistics().heap_size_limit\` reports inside the same cgroup.

| heap sizing | load | heap limit MiB | idle MiB (anon) | checks/s | peak MiB (anon) | limit reached | OOM kills | wrong answers | anon every 30 s |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${rows.filter((line) => line.startsWith('|')).join('\n')}

At the maximum rate: ${outcomes.join('; ')}.

**Node 24 reads the cgroup limit itself** (\`process.constrainedMemory()\` is ${constrained} MiB in the
container), and on its own sizes the heap to about the whole limit: V8 then lets the heap grow as long
as it is under that, in steps, so the process's memory climbs for minutes under load with nothing left for
what lives outside the heap (code, buffers, TLS, the type-stripping compiler) before the cgroup must reclaim
or kill. The image's entrypoint therefore passes \`--max-old-space-size-percentage=50\`, which Node applies
to the same cgroup limit: half of whatever \`resources.limits.memory\` is, so the chart need not compute a
number (a pod without a limit gets half of the node's memory). The image test asserts, at the chart's
default limit and full rate for 120 s: no OOM kill, the container answering every check as it must, usage
never reaching the limit, and the peak below 75 % of it.

Inside the cgroup Node sizes both heap generations from the limit (the young generation is a few MiB
there). A fixed \`--max-old-space-size\` set by hand on a host without a memory limit does not: V8 keeps
the large host's 32 MiB semi-spaces, and once the old generation nears its cap a scavenge can no longer
be sure its survivors fit, so every collection becomes a full one. Measured with 128 MiB on the
development host (24 GiB, Redis store, 11,000 checks/s asked): after 40 s the heap grew from 110 to 165
MiB, RSS from 190 to 262 MiB, full collections went from 2 to 35 a second, scavenges stopped, and the
rate fell to about 4,000 checks/s. Outside a container, set \`--max-semi-space-size\` with it (1 for a
128 MiB old generation) or leave the heap alone; \`make soak\` confines gatehouse in a memory cgroup of
the chart's limit with the image's flag for that reason.

## Where the memory goes

Measured on the development host with \`process.memoryUsage()\` and by loading each package alone:

- **Node's TypeScript type stripping** costs about 17 MiB of RSS (10 MiB of it the compiler's WebAssembly
  memory), for every process: the image runs the sources as they are. Shipping JavaScript instead would
  save it; that is a build step the image does not have today.
- **Packages only some deployments use load only with their feature**, when it is built at start-up
  (\`app/src/optional-packages.ts\`): \`@elastic/elasticsearch\` (with \`@elastic/transport\`) with an
  Elasticsearch backend, \`@peculiar/asn1-*\` with the certificate source, \`ldapts\` with the ldap source,
  \`bcryptjs\` with the htpasswd source; the OpenTelemetry SDK only with tracing on, and
  \`@kubernetes/client-node\` (89 MiB on its own) only with the serviceaccount source or a cookie key kept
  in a Secret. \`@opentelemetry/api\` still loads in every gatehouse: prom-client requires it.
  Measured on the development host, not in the image: gatehouse started 7 times per configuration
  and row, before and after the change in turn, each read 3 s after start, after a full collection
  (\`--expose-gc\`), with \`process.memoryUsage()\` (RSS, heap in use) and \`/proc/self/status\` (RssAnon);
  medians in MiB. The configuration is the tests' minimal one (\`localGatehouseEnv\`: one provider,
  memory store) plus the feature named, nothing behind it reachable or needed at start-up. The host's
  RSS is higher than the container's (larger young generation, file-backed pages), so compare rows:

  | configuration | RSS before → after | anonymous before → after | heap in use before → after |
  | --- | ---: | ---: | ---: |
  | minimal | 157.8 → 135.9 | 99.0 → 77.2 | 33.6 → 24.8 |
  | + Elasticsearch backend | 157.5 → 158.3 | 98.5 → 99.3 | 33.7 → 31.6 |
  | + certificate source | 159.1 → 140.7 | 100.3 → 82.1 | 34.0 → 26.5 |
  | + ldap source | 157.8 → 136.7 | 99.0 → 77.8 | 33.6 → 25.5 |
  | + htpasswd source | 159.1 → 136.7 | 100.3 → 78.2 | 33.7 → 25.1 |
  | + tracing (OTLP) | 163.6 → 145.4 | 104.7 → 86.5 | 36.4 → 28.0 |
  | Elasticsearch, certificate, ldap, tracing | 165.4 → 166.8 | 106.6 → 107.9 | 37.0 → 37.0 |
  | the same with htpasswd for ldap | 164.6 → 165.1 | 105.7 → 106.2 | 37.1 → 36.5 |

  A gatehouse that uses none of them saves about 22 MiB of RSS and 9 MiB of heap; the Elasticsearch
  client is nearly all of it (22 MiB of RSS, 7 MiB of heap when loaded), the X.509 packages about
  5 MiB, ldapts and bcryptjs under 1 MiB each. With everything configured nothing changes.
- **Sessions on the memory store**: about 3.1 KiB each with an RS256 ID token, a JWT access token and
  a refresh token (about 2.5 KiB of tokens), plus its index entries and the cached cookie; providers with
  larger tokens (Azure AD's often reach 2–4 KiB each) cost more. The chart's \`session.maxEntries\` is
  20,000 for that reason: at 3.5 KiB that is 70 MiB, inside the heap the default limit leaves; the memory
  store's own default of 100,000 (350 MiB) suits gatehouse outside a container, and more sessions
  than the bound belong in Redis (or a larger limit, with \`session.maxEntries\` raised in step).
`;
writeFileSync(join(REPO_ROOT, 'docs', 'memory.md'), text);
process.stdout.write(text);
