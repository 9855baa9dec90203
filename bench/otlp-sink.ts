/**
 * A no-op OTLP/HTTP receiver for the benchmark's traced row: it reads each export to the end and
 * answers 200 with an empty protobuf response, as a Collector does, and only counts the bytes; what
 * tracing costs gatehouse is then the spans, their encoding and their sending, not a slow receiver.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running sink. */
export interface OtlpSink {
  /** The OTEL_EXPORTER_OTLP_ENDPOINT to give gatehouse. */
  readonly endpoint: string;
  /** Exports and bytes received so far. */
  received(): { readonly exports: number; readonly bytes: number };
  close(): Promise<void>;
}

/** Starts the sink on a free loopback port. */
export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => ({ exports, bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
