/**
 * Exact HTTP/1.1 exchanges over a bare socket: the request goes out byte for byte as given (no
 * Host, Connection or Content-Length added, header names in the given case and order), and the
 * answer is parsed just enough to hand back its status line, raw header list and body. A replayed
 * proxy must send nothing its source does not send, which no HTTP client library promises.
 */
import { connect } from 'node:net';

/** A header as it travels: the name in its wire case, the value as it is. */
export type RawHeader = readonly [name: string, value: string];

/** A request exactly as a proxy writes it. */
export interface RawRequest {
  readonly method: string;
  /** The request-target: an origin-form path and query. */
  readonly target: string;
  readonly headers: readonly RawHeader[];
  /** Bytes written after the head, as given: possibly fewer than a Content-Length announces. */
  readonly body?: string | undefined;
}

/** An answer as it arrived. */
export interface RawResponse {
  readonly status: number;
  readonly headers: readonly RawHeader[];
  readonly body: string;
}

/** The first value of `name` (case-insensitive), or undefined. */
export function headerOf(message: { readonly headers: readonly RawHeader[] } | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return message?.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Every value of `name` (case-insensitive), in order. */
export function headersOf(message: { readonly headers: readonly RawHeader[] } | undefined, name: string): string[] {
  const lower = name.toLowerCase();
  return (message?.headers ?? []).filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** The request's bytes: request line, headers in order, blank line, body. */
export function serialize(request: RawRequest): Buffer {
  const head = [`${request.method} ${request.target} HTTP/1.1`, ...request.headers.map(([n, v]) => `${n}: ${v}`), '', ''].join('\r\n');
  // latin1 keeps every header byte as given: a replay of a hostile client may carry any byte.
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(request.body ?? '', 'utf8')]);
}

const NO_BODY_STATUS = (status: number): boolean => status === 204 || status === 304 || (status >= 100 && status < 200);

/** Parses a complete answer from `data`, or undefined while more bytes are needed. */
function parse(data: Buffer, method: string, closed: boolean): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) {
    if (closed) throw new Error(`connection closed inside the answer's head: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
    return undefined;
  }
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers = lines.map((line): RawHeader => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const rest = data.subarray(end + 4);
  const message = { headers };
  if (method === 'HEAD' || NO_BODY_STATUS(status)) return { status, headers, body: '' };
  if (headerOf(message, 'transfer-encoding')?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    for (let at = 0; ; ) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd === -1) return closed ? incomplete() : undefined;
      const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0) return { status, headers, body: Buffer.concat(chunks).toString('utf8') };
      if (rest.length < lineEnd + 2 + size + 2) return closed ? incomplete() : undefined;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = headerOf(message, 'content-length');
  if (length !== undefined) {
    if (rest.length < Number(length)) return closed ? incomplete() : undefined;
    return { status, headers, body: rest.subarray(0, Number(length)).toString('utf8') };
  }
  // Neither: the body runs to the end of the connection.
  return closed ? { status, headers, body: rest.toString('utf8') } : undefined;
}

function incomplete(): never {
  throw new Error('connection closed inside the answer body');
}

/**
 * Sends `request` to 127.0.0.1:`port` and resolves with the answer once it is complete, without
 * waiting for the connection to close (proxies keep it open). Rejects after `timeoutMs` with no
 * complete answer: a test of "does not wait for the body" fails there rather than hanging.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    const finish = (closed: boolean): void => {
      try {
        const answer = parse(data, request.method, closed);
        if (answer === undefined) return;
        socket.destroy();
        resolve(answer);
      } catch (err) {
        socket.destroy();
        reject(err as Error);
      }
    };
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${request.method} ${request.target.slice(0, 120)}`));
    });
    socket.on('connect', () => socket.write(serialize(request)));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', reject);
  });
}
