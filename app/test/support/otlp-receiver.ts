/**
 * An OTLP/HTTP trace receiver on loopback, answering as the OTLP specification asks a server to:
 * POST /v1/traces with a protobuf ExportTraceServiceRequest (gzip-encoded or not) is answered 200
 * with an empty protobuf ExportTraceServiceResponse; anything else 404 or 415. It keeps every span
 * it decoded, and counts every request, so a test can also tell that nothing was sent.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type AttributeValue, type ReceivedSpan } from './otlp-protobuf.ts';

/** Bound on one request body: far above what a batch of 512 spans needs. */
const MAX_BODY = 16 * 1024 * 1024;

/** A running receiver. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the OTEL_EXPORTER_OTLP_ENDPOINT to give an exporter. */
  readonly endpoint: string;
  /** Every request that reached it, whatever its path. */
  readonly requests: () => number;
  readonly spans: () => readonly ReceivedSpan[];
  /** Polls (every 50 ms, at most `timeoutMs`) until `found` finds the spans it wants among those received. */
  waitFor<T>(found: (spans: readonly ReceivedSpan[]) => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw, { maxOutputLength: MAX_BODY }) : raw;
}

/** Starts a receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  let requests = 0;
  const answer = (res: ServerResponse, status: number): void => {
    res.writeHead(status, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' });
    res.end();
  };
  const server = createServer((req, res) => {
    requests++;
    if (req.method !== 'POST' || req.url !== '/v1/traces') return answer(res, 404);
    if (req.headers['content-type'] !== 'application/x-protobuf') return answer(res, 415);
    body(req).then(
      (bytes) => {
        received.push(...decodeTraceRequest(bytes));
        answer(res, 200);
      },
      () => answer(res, 400),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    spans: () => received,
    async waitFor(found, timeoutMs = 15_000) {
      for (const deadline = performance.now() + timeoutMs; performance.now() < deadline; await sleep(50)) {
        const result = found(received);
        if (result !== undefined) return result;
      }
      throw new Error(`the spans looked for did not arrive within ${timeoutMs} ms; received: ${received.map((s) => s.name).join(', ')}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every string in a span that came from gatehouse: name, status message, attribute and event values and keys, resource. */
export function spanStrings(span: ReceivedSpan): string[] {
  const out: string[] = [span.name, span.status.message, span.traceState];
  const walk = (value: AttributeValue): void => {
    if (typeof value === 'string') out.push(value);
    else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('latin1'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) for (const [key, inner] of Object.entries(value)) out.push(key), walk(inner as AttributeValue);
    else out.push(String(value));
  };
  for (const record of [span.attributes, span.resource, ...span.events.map((event) => event.attributes)]) walk(record as AttributeValue);
  out.push(...span.events.map((event) => event.name));
  return out;
}
