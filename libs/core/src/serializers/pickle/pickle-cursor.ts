import { SerializationError } from '../../errors.js';

/** Bounds-checked reads over the pickle bytes: running off the end is a SerializationError, never a RangeError. */
export class PickleCursor {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  fail(what: string): never {
    throw new SerializationError(`Invalid pickle: ${what} at byte ${this.pos}`);
  }

  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Advances past `n` bytes and returns where they start. */
  private skip(n: number): number {
    if (n > this.buf.length - this.pos) this.fail('truncated data');
    const start = this.pos;
    this.pos += n;
    return start;
  }

  take(n: number): Buffer {
    const start = this.skip(n);
    return this.buf.subarray(start, start + n);
  }

  u8(): number {
    return this.buf[this.skip(1)];
  }

  u16(): number {
    return this.buf.readUInt16LE(this.skip(2));
  }

  i32(): number {
    return this.buf.readInt32LE(this.skip(4));
  }

  u32(): number {
    return this.buf.readUInt32LE(this.skip(4));
  }

  /** An 8-byte length; anything past the end of the data is refused before it is used. */
  u64Length(): number {
    const n = this.buf.readBigUInt64LE(this.skip(8));
    if (n > BigInt(this.buf.length - this.pos)) this.fail('length beyond the end of the data');
    return Number(n);
  }

  f64be(): number {
    return this.buf.readDoubleBE(this.skip(8));
  }

  /** `n` bytes of UTF-8 as a string, or null when they are not valid UTF-8. */
  utf8(n: number, decode: (bytes: Uint8Array) => string | null): string | null {
    const start = this.skip(n);
    const end = start + n;
    // Most session text is ASCII: skip the TextDecoder call and its garbage for it.
    let ascii = true;
    for (let j = start; j < end; j++) {
      if (this.buf[j] > 0x7f) {
        ascii = false;
        break;
      }
    }
    return ascii ? this.buf.toString('latin1', start, end) : decode(this.buf.subarray(start, end));
  }

  /** The bytes up to the next newline (consumed, not returned), as protocol 0 text arguments. */
  line(): Buffer {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('unterminated line');
    const out = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  /** A line that must be ASCII (numbers, module and global names). */
  asciiLine(): string {
    const bytes = this.line();
    for (const b of bytes) if (b > 0x7f) this.fail('non-ASCII text argument');
    return bytes.toString('latin1');
  }
}
