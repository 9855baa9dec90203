/**
 * Tokens as bytes, for the compact session encoding. A JWT (and any token made of base64url
 * segments joined by dots: JWS and JWE compact forms, most opaque tokens) is kept as its decoded
 * segments, three quarters of its text, and turned back into exactly the same text. A token whose
 * segments would not come back character for character (padding, stray bits, other characters) is
 * kept as its UTF-8 text.
 *
 *   kind 0   undefined
 *   kind 1   text: u32 length, UTF-8 bytes
 *   kind 2   segments: u8 count, then each segment as u16 length and its decoded bytes
 */
import type { ByteReader } from './byte-reader.ts';

const UNDEFINED = 0;
const TEXT = 1;
const SEGMENTS = 2;
const MAX_SEGMENTS = 255;
const MAX_SEGMENT_BYTES = 0xffff;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Where the second segment (a JWT's payload) of the token just read lies in the buffer. */
export interface SegmentRange {
  start: number;
  end: number;
}

/** The decoded segments of `token`, or undefined when they would not give back the same text. */
function segmentsOf(token: string): Buffer[] | undefined {
  const parts = token.split('.');
  if (parts.length > MAX_SEGMENTS) return undefined;
  const decoded: Buffer[] = [];
  for (const part of parts) {
    if (!BASE64URL.test(part)) return undefined;
    const bytes = Buffer.from(part, 'base64url');
    if (bytes.length > MAX_SEGMENT_BYTES || bytes.toString('base64url') !== part) return undefined;
    decoded.push(bytes);
  }
  return decoded;
}

/** The bytes that carry `token`. */
export function tokenToBytes(token: string | undefined): Buffer {
  if (token === undefined) return Buffer.of(UNDEFINED);
  const segments = segmentsOf(token);
  if (segments === undefined) {
    const text = Buffer.from(token, 'utf8');
    const head = Buffer.alloc(5);
    head[0] = TEXT;
    head.writeUInt32BE(text.length, 1);
    return Buffer.concat([head, text]);
  }
  const chunks: Buffer[] = [Buffer.of(SEGMENTS, segments.length)];
  for (const segment of segments) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(segment.length);
    chunks.push(length, segment);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a token written by {@link tokenToBytes}.
 * @param payload - set to the second segment's place when the token has one (left alone otherwise)
 * @throws ValueTruncatedError when the value ends early, Error for an unknown kind
 */
export function readToken(reader: ByteReader, payload?: SegmentRange): string | undefined {
  const kind = reader.u8();
  if (kind === UNDEFINED) return undefined;
  if (kind === TEXT) return reader.text(reader.u32());
  if (kind !== SEGMENTS) throw new Error(`unknown token kind ${kind}`);
  const count = reader.u8();
  let token = '';
  for (let i = 0; i < count; i++) {
    const length = reader.u16();
    const start = reader.skip(length);
    if (i === 1 && payload) {
      payload.start = start;
      payload.end = start + length;
    }
    const text = reader.buffer.toString('base64url', start, start + length);
    token = i === 0 ? text : `${token}.${text}`;
  }
  return token;
}
