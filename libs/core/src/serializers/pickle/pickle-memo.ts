import { OP } from './pickle-opcodes.js';
import type { PickleOutput } from './pickle-output.js';

/**
 * CPython's pickle memo as pickleDumps keeps it: every put takes the next index (so values that are
 * never looked up, like reduce argument tuples, still use one), and a later occurrence of the same
 * object is written as a GET of its index.
 */
export class PickleMemo {
  private next = 0;
  /** Containers, bytes and datetimes by identity, with the nesting height below them. */
  readonly objects = new Map<object, { index: number; height: number }>();
  /** Strings that are one Python object wherever they appear (interned or cached ones), by value. */
  readonly strings = new Map<string, number>();
  /** Globals, the UTC tzinfo and the empty bytes, which CPython has one object of each. */
  readonly singletons = new Map<string, number>();

  constructor(
    private readonly out: PickleOutput,
    private readonly protocol: number,
  ) {}

  /** Memoizes what was just written and returns its index. */
  put(): number {
    const index = this.next++;
    if (this.protocol >= 4) this.out.op(OP.MEMOIZE);
    else if (index < 256) this.out.opU8(OP.BINPUT, index);
    else this.out.opU32(OP.LONG_BINPUT, index);
    return index;
  }

  get(index: number): void {
    if (index < 256) this.out.opU8(OP.BINGET, index);
    else this.out.opU32(OP.LONG_BINGET, index);
  }
}
