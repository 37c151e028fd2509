/**
 * The input a worker is running, kept in memory shared with the supervisor: when the worker runs
 * out of heap or hangs and is terminated, the supervisor still knows which input did it.
 * Layout: Int32 [sequence, length], then the bytes (truncated to the buffer's capacity).
 */
export const INFLIGHT_CAPACITY = 1024 * 1024;

export class InflightInput {
  private readonly header: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(8 + INFLIGHT_CAPACITY)) {
    this.header = new Int32Array(shared, 0, 2);
    this.bytes = new Uint8Array(shared, 8);
  }

  set(input: Uint8Array): void {
    const n = Math.min(input.length, this.bytes.length);
    this.bytes.set(input.subarray(0, n));
    Atomics.store(this.header, 1, n);
    Atomics.add(this.header, 0, 1);
  }

  /** Increases with every input; unchanged for a while means the worker is stuck on one. */
  get sequence(): number {
    return Atomics.load(this.header, 0);
  }

  get(): Buffer {
    return Buffer.from(this.bytes.subarray(0, Atomics.load(this.header, 1)));
  }
}
