/**
 * Python types a JS value cannot say it is, for pickleDumps only: unpickle reads a tuple as an
 * array and every float as a number, so these two never come out of the reader.
 */

/** A Python tuple: pickleDumps writes it with TUPLE1/2/3 or MARK...TUPLE. Its items are frozen. */
export class PyTuple {
  readonly items: readonly unknown[];

  constructor(items: Iterable<unknown> = []) {
    this.items = Object.freeze([...items]);
  }
}

/** A Python float, for whole numbers that would otherwise be written as int (1.0, not 1). */
export class PyFloat {
  constructor(readonly value: number) {}
}
