import { OP } from './pickle-opcodes.js';

// CPython's _pickle.c constants: frames aim at 64 KiB and are dropped when under 4 bytes.
const FRAME_SIZE_TARGET = 64 * 1024;
const FRAME_SIZE_MIN = 4;
const FRAME_HEADER_SIZE = 9;

/**
 * The bytes pickleDumps produces, framed (protocol 4+) exactly as CPython's C pickler frames them:
 * a frame opens with the first write after the last one closed, closes at the next opcode
 * boundary once it holds 64 KiB, and a str or bytes payload of 64 KiB or more goes outside any frame.
 */
export class PickleOutput {
  private buf = Buffer.allocUnsafe(256);
  private length = 0;
  private framing = false;
  /** Where the open frame's header sits, or -1. */
  private frameStart = -1;

  startFraming(): void {
    this.framing = true;
  }

  op(code: number): void {
    const at = this.reserve(1); // first: reserve may replace this.buf
    this.buf[at] = code;
  }

  opU8(code: number, n: number): void {
    const at = this.reserve(2);
    this.buf[at] = code;
    this.buf[at + 1] = n;
  }

  opU16(code: number, n: number): void {
    const at = this.reserve(3);
    this.buf[at] = code;
    this.buf.writeUInt16LE(n, at + 1);
  }

  opI32(code: number, n: number): void {
    const at = this.reserve(5);
    this.buf[at] = code;
    this.buf.writeInt32LE(n, at + 1);
  }

  opU32(code: number, n: number): void {
    const at = this.reserve(5);
    this.buf[at] = code;
    this.buf.writeUInt32LE(n, at + 1);
  }

  opF64(code: number, x: number): void {
    const at = this.reserve(9);
    this.buf[at] = code;
    this.buf.writeDoubleBE(x, at + 1);
  }

  raw(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
  }

  /** An opcode with a `width`-byte length and `size` bytes of payload, which `fill` writes at `at`. */
  payload(code: number, width: 1 | 4 | 8, size: number, fill: (buf: Buffer, at: number) => void): void {
    const framing = this.framing;
    if (size >= FRAME_SIZE_TARGET) {
      this.commitFrame();
      this.framing = false;
    }
    const at = this.reserve(1 + width);
    this.buf[at] = code;
    if (width === 1) this.buf[at + 1] = size;
    else if (width === 4) this.buf.writeUInt32LE(size, at + 1);
    else this.buf.writeBigUInt64LE(BigInt(size), at + 1);
    const start = this.reserve(size);
    fill(this.buf, start);
    this.framing = framing;
  }

  /** Called where CPython's save() starts: a full frame is closed there. */
  boundary(): void {
    if (this.frameStart >= 0 && this.length - this.frameStart - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  finish(): Buffer {
    this.commitFrame();
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private commitFrame(): void {
    if (this.frameStart < 0) return;
    const size = this.length - this.frameStart - FRAME_HEADER_SIZE;
    if (size >= FRAME_SIZE_MIN) {
      this.buf[this.frameStart] = OP.FRAME;
      this.buf.writeBigUInt64LE(BigInt(size), this.frameStart + 1);
    } else {
      this.buf.copyWithin(this.frameStart, this.frameStart + FRAME_HEADER_SIZE, this.length);
      this.length -= FRAME_HEADER_SIZE;
    }
    this.frameStart = -1;
  }

  /** Room for `n` more bytes, after a new frame header when a frame is due; returns where they go. */
  private reserve(n: number): number {
    const opening = this.framing && this.frameStart < 0;
    this.grow(n + (opening ? FRAME_HEADER_SIZE : 0));
    if (opening) {
      this.frameStart = this.length;
      this.length += FRAME_HEADER_SIZE;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  private grow(n: number): void {
    const needed = this.length + n;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}
