/**
 * Reads a binary value front to back (the compact session encoding): whole numbers, lengths and
 * text at the current position, with every read bounds-checked so that a short or damaged value
 * throws rather than reading past its end.
 */

/** Raised when a value ends before what it says it holds. */
export class ValueTruncatedError extends Error {
  constructor() {
    super('value ends early');
    this.name = 'ValueTruncatedError';
  }
}

/** A position in a buffer, moved on by each read. */
export class ByteReader {
  readonly buffer: Buffer;
  position: number;
  constructor(buffer: Buffer, position = 0) {
    this.buffer = buffer;
    this.position = position;
  }

  /** Moves past `length` bytes and returns where they start. */
  skip(length: number): number {
    const start = this.position;
    if (start + length > this.buffer.length) throw new ValueTruncatedError();
    this.position = start + length;
    return start;
  }

  u8(): number {
    return this.buffer[this.skip(1)] as number;
  }

  u16(): number {
    return this.buffer.readUInt16BE(this.skip(2));
  }

  u32(): number {
    return this.buffer.readUInt32BE(this.skip(4));
  }

  /** `length` bytes as UTF-8 text. */
  text(length: number): string {
    const start = this.skip(length);
    return this.buffer.toString('utf8', start, start + length);
  }

  /** True when every byte has been read. */
  done(): boolean {
    return this.position === this.buffer.length;
  }
}
