import { PicklingError } from '../../errors.js';
import { isWellFormedUtf16 } from '../php/utf8.js';
import { dateState, naiveDateTimeState, utcDateTimeState } from './datetime-state-writer.js';
import { PickleMemo } from './pickle-memo.js';
import { writeInt } from './pickle-numbers.js';
import { OP } from './pickle-opcodes.js';
import { PickleOutput } from './pickle-output.js';
import { PyDate, type NaiveDateTime } from './python-datetime.js';

export type UtcTzinfo = 'timezone.utc' | 'pytz.utc';

/** CPython keeps one object of the empty string and of each one-character Latin-1 string. */
function isCachedText(text: string): boolean {
  return text.length === 0 || (text.length === 1 && text.charCodeAt(0) < 256);
}

/**
 * The memoized leaves of a pickle as CPython's C pickler writes them: str, bytes, datetimes and the
 * globals and tzinfo they reduce to. Every method that starts with out.boundary() is one call of
 * CPython's save(), where a full frame is closed.
 */
export class PickleLeaves {
  protected readonly out = new PickleOutput();
  protected readonly memo: PickleMemo;

  constructor(
    protected readonly protocol: number,
    private readonly shareStrings: boolean,
    private readonly tzinfo: UtcTzinfo,
  ) {
    this.memo = new PickleMemo(this.out, protocol);
  }

  protected saveUserText(text: string): void {
    if (!isWellFormedUtf16(text)) throw new PicklingError('Cannot pickle a string with an unpaired surrogate (the reader refuses it)');
    this.saveText(text, this.shareStrings || isCachedText(text));
  }

  /** A str; `shared` when it is one Python object wherever it appears, so a repeat is a memo GET. */
  private saveText(text: string, shared: boolean): void {
    this.out.boundary();
    const known = shared ? this.memo.strings.get(text) : undefined;
    if (known !== undefined) return this.memo.get(known);
    const size = Buffer.byteLength(text, 'utf8');
    const fill = (buf: Buffer, at: number) => void buf.write(text, at, size, 'utf8');
    // A JS string's UTF-8 stays under 4 GiB, so BINUNICODE8 is never needed.
    if (this.protocol >= 4 && size <= 0xff) this.out.payload(OP.SHORT_BINUNICODE, 1, size, fill);
    else this.out.payload(OP.BINUNICODE, 4, size, fill);
    const index = this.memo.put();
    if (shared) this.memo.strings.set(text, index);
  }

  /** bytes, after the caller found no memo entry for this object. */
  protected saveBytes(bytes: Uint8Array): void {
    // CPython has a single empty bytes object.
    const empty = bytes.length === 0;
    const known = empty ? this.memo.singletons.get('b""') : undefined;
    if (known !== undefined) return this.memo.get(known);
    const index = this.writeBytes(bytes);
    this.memo.objects.set(bytes, { index, height: 0 });
    if (empty) this.memo.singletons.set('b""', index);
  }

  /** A new bytes object; returns its memo index. */
  private writeBytes(bytes: Uint8Array): number {
    this.out.boundary();
    const size = bytes.length;
    if (this.protocol >= 3) {
      const fill = (buf: Buffer, at: number) => buf.set(bytes, at);
      if (size <= 0xff) this.out.payload(OP.SHORT_BINBYTES, 1, size, fill);
      else if (size <= 0xffffffff) this.out.payload(OP.BINBYTES, 4, size, fill);
      else if (this.protocol >= 4) this.out.payload(OP.BINBYTES8, 8, size, fill);
      else throw new PicklingError('bytes of 4 GiB or more need protocol 4 or higher');
      return this.memo.put();
    }
    // Protocol 2 has no bytes opcode: CPython reduces to bytes() or _codecs.encode(latin-1 text, 'latin1').
    if (size === 0) {
      this.saveGlobal('builtins', 'bytes');
      this.out.boundary();
      this.out.op(OP.EMPTY_TUPLE);
    } else {
      this.saveGlobal('_codecs', 'encode');
      this.out.boundary();
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, size).toString('latin1');
      this.saveText(text, isCachedText(text));
      this.saveText('latin1', true);
      this.out.op(OP.TUPLE2);
      this.memo.put();
    }
    this.out.op(OP.REDUCE);
    return this.memo.put();
  }

  /** datetime.__reduce_ex__: (datetime.datetime, (state[, tzinfo])); a date: (datetime.date, (state,)). */
  protected saveDateTime(value: NaiveDateTime | PyDate | Date): void {
    const aware = value instanceof Date;
    const state = value instanceof PyDate ? dateState(value) : aware ? utcDateTimeState(value) : naiveDateTimeState(value);
    this.saveGlobal('datetime', value instanceof PyDate ? 'date' : 'datetime');
    this.out.boundary();
    this.writeBytes(state);
    if (aware) this.saveUtc();
    this.out.op(aware ? OP.TUPLE2 : OP.TUPLE1);
    this.memo.put();
    this.out.op(OP.REDUCE);
    this.memo.objects.set(value, { index: this.memo.put(), height: 0 });
  }

  /** timezone.utc reduces to timezone(timedelta(0, 0, 0)), pytz.utc to pytz._UTC(); each is one object. */
  private saveUtc(): void {
    this.out.boundary();
    const known = this.memo.singletons.get(this.tzinfo);
    if (known !== undefined) return this.memo.get(known);
    if (this.tzinfo === 'pytz.utc') {
      this.saveGlobal('pytz', '_UTC', true);
      this.out.boundary();
      this.out.op(OP.EMPTY_TUPLE);
    } else {
      this.saveGlobal('datetime', 'timezone');
      this.out.boundary(); // the arguments (timedelta(0),)
      this.out.boundary(); // timedelta(0)
      this.saveGlobal('datetime', 'timedelta');
      this.out.boundary(); // its arguments (0, 0, 0)
      for (let i = 0; i < 3; i++) {
        this.out.boundary();
        writeInt(this.out, 0);
      }
      this.out.op(OP.TUPLE3);
      this.memo.put();
      this.out.op(OP.REDUCE);
      this.memo.put();
      this.out.op(OP.TUPLE1);
      this.memo.put();
    }
    this.out.op(OP.REDUCE);
    this.memo.singletons.set(this.tzinfo, this.memo.put());
  }

  /**
   * A class or function by name: STACK_GLOBAL from protocol 4, GLOBAL before. CPython's module
   * names are interned (one object with equal strings); datetime's class names are new strings
   * each time, pytz's function names interned ones.
   */
  private saveGlobal(module: string, name: string, nameInterned = false): void {
    this.out.boundary();
    const key = `${module}.${name}`;
    const known = this.memo.singletons.get(key);
    if (known !== undefined) return this.memo.get(known);
    if (this.protocol >= 4) {
      this.saveText(module, true);
      this.saveText(name, nameInterned);
      this.out.op(OP.STACK_GLOBAL);
    } else {
      // Protocol 2 spells Python 3's builtins module the Python 2 way (fix_imports).
      const spelled = this.protocol < 3 && module === 'builtins' ? '__builtin__' : module;
      this.out.raw(Buffer.from(`c${spelled}\n${name}\n`, 'latin1'));
    }
    this.memo.singletons.set(key, this.memo.put());
  }
}
