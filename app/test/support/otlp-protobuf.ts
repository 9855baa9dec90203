/**
 * Reads an OTLP ExportTraceServiceRequest from its protobuf encoding, as an OTLP receiver does:
 * resource spans → scope spans → spans, with their attributes, events and status. Written from the
 * message definitions of opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto,
 * resource/v1/resource.proto) and protobuf's wire format (varint, 64-bit, length-delimited and
 * 32-bit fields; unknown fields skipped), so the tests read what gatehouse really sends.
 * @see https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto
 * @see https://protobuf.dev/programming-guides/encoding/
 */

/** An attribute value: AnyValue's string, bool, int, double, array or key-value list. */
export type AttributeValue = string | boolean | number | bigint | Uint8Array | readonly AttributeValue[] | { readonly [key: string]: AttributeValue };

/** One span as received. */
export interface ReceivedSpan {
  /** Lower-case hex, as in a traceparent header. */
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  /** Span.SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly events: readonly { readonly name: string; readonly attributes: Readonly<Record<string, AttributeValue>> }[];
  /** Status.StatusCode: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string };
  readonly resource: Readonly<Record<string, AttributeValue>>;
  /** The instrumentation scope's name. */
  readonly scope: string;
}

/** A field as read off the wire: its number and its value (a number, bigint or bytes). */
interface Field {
  readonly no: number;
  readonly value: bigint | Uint8Array;
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length || shift > 63n) throw new Error('malformed varint');
      const byte = bytes[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new Error('field runs past the message');
    const slice = bytes.subarray(at, at + n);
    at += n;
    return slice;
  };
  while (at < bytes.length) {
    const key = varint();
    const no = Number(key >> 3n);
    switch (Number(key & 7n)) {
      case 0:
        yield { no, value: varint() };
        break;
      case 1:
        yield { no, value: take(8) };
        break;
      case 2:
        yield { no, value: take(Number(varint())) };
        break;
      case 5:
        yield { no, value: take(4) };
        break;
      default:
        throw new Error(`unsupported wire type in field ${no}`);
    }
  }
}

const text = (value: bigint | Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(value as Uint8Array);
const hex = (value: bigint | Uint8Array): string => Buffer.from(value as Uint8Array).toString('hex');
const bytesOf = (value: bigint | Uint8Array): Uint8Array => value as Uint8Array;

function anyValue(bytes: Uint8Array): AttributeValue {
  for (const { no, value } of fields(bytes)) {
    switch (no) {
      case 1:
        return text(value);
      case 2:
        return value === 1n;
      case 3: {
        const n = BigInt.asIntN(64, value as bigint);
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      }
      case 4:
        return Buffer.from(bytesOf(value)).readDoubleLE(0);
      case 5:
        return [...fields(bytesOf(value))].filter((f) => f.no === 1).map((f) => anyValue(bytesOf(f.value)));
      case 6:
        return keyValues(bytesOf(value), 1);
      case 7:
        return new Uint8Array(bytesOf(value));
    }
  }
  return '';
}

/** The KeyValue fields numbered `no` of a message, as a record. */
function keyValues(bytes: Uint8Array, no: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const field of fields(bytes)) {
    if (field.no !== no) continue;
    let key = '';
    let value: AttributeValue = '';
    for (const part of fields(bytesOf(field.value))) {
      if (part.no === 1) key = text(part.value);
      else if (part.no === 2) value = anyValue(bytesOf(part.value));
    }
    out[key] = value;
  }
  return out;
}

function span(bytes: Uint8Array, resource: Record<string, AttributeValue>, scope: string): ReceivedSpan {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let traceState = '';
  let name = '';
  let kind = 0;
  let status = { code: 0, message: '' };
  const events: { name: string; attributes: Record<string, AttributeValue> }[] = [];
  for (const { no, value } of fields(bytes)) {
    if (no === 1) traceId = hex(value);
    else if (no === 2) spanId = hex(value);
    else if (no === 3) traceState = text(value);
    else if (no === 4) parentSpanId = hex(value);
    else if (no === 5) name = text(value);
    else if (no === 6) kind = Number(value);
    else if (no === 11) {
      let eventName = '';
      for (const part of fields(bytesOf(value))) if (part.no === 2) eventName = text(part.value);
      events.push({ name: eventName, attributes: keyValues(bytesOf(value), 3) });
    } else if (no === 15) {
      for (const part of fields(bytesOf(value))) {
        if (part.no === 2) status = { ...status, message: text(part.value) };
        else if (part.no === 3) status = { ...status, code: Number(part.value) };
      }
    }
  }
  return { traceId, spanId, parentSpanId, traceState, name, kind, attributes: keyValues(bytes, 9), events, status, resource, scope };
}

/** The spans of one ExportTraceServiceRequest. */
export function decodeTraceRequest(bytes: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fields(bytes)) {
    if (resourceSpans.no !== 1) continue;
    let resource: Record<string, AttributeValue> = {};
    const scopes: Uint8Array[] = [];
    for (const part of fields(bytesOf(resourceSpans.value))) {
      if (part.no === 1) resource = keyValues(bytesOf(part.value), 1);
      else if (part.no === 2) scopes.push(bytesOf(part.value));
    }
    for (const scopeSpans of scopes) {
      let scope = '';
      for (const part of fields(scopeSpans)) {
        if (part.no === 1) for (const s of fields(bytesOf(part.value))) if (s.no === 1) scope = text(s.value);
      }
      for (const part of fields(scopeSpans)) if (part.no === 2) spans.push(span(bytesOf(part.value), resource, scope));
    }
  }
  return spans;
}
