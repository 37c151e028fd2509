import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { ExpandedSizeExceeded, IntegerTooLong } from '../../limits/limit-errors.js';
import { unpickle } from './unpickle.js';

/** Builds a pickle from hex and ASCII pieces: hex('80 02'), 'text'. */
const p = (...parts: (string | number[])[]) => Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))));
const PROTO2 = [0x80, 0x02];
const STOP = '.';

describe('unpickle opcodes', () => {
  it('reads protocol 0 text opcodes, including Python 2 str (as ASCII)', () => {
    expect(unpickle(p('I01\n.'))).toBe(true);
    expect(unpickle(p('I00\n.'))).toBe(false);
    expect(unpickle(p('I-12\n.'))).toBe(-12);
    expect(unpickle(p('L123456789012345678901234567890L\n.'))).toBe(123456789012345678901234567890n);
    expect(unpickle(p('L5\n.'))).toBe(5);
    expect(unpickle(p('F1e+20\n.'))).toBe(1e20);
    expect(unpickle(p('F-inf\n.'))).toBe(-Infinity);
    expect(unpickle(p("S'it\\'s\\n\\x41\\101\\q'\n."))).toBe("it's\nAA\\q");
    expect(unpickle(p('S"a"\n.'))).toBe('a');
    expect(unpickle(p('U', [3], 'abc.'))).toBe('abc');
    expect(unpickle(p('T', [2, 0, 0, 0], 'ab.'))).toBe('ab');
    expect(unpickle(p('Vcaf\xe9 \\u4e2d \\U0001f600 \\\\u0041\n.'))).toBe('café 中 😀 \\\\u0041');
    expect(unpickle(p('(I1\nI2\nl.'))).toEqual([1, 2]);
    expect(unpickle(p('(S"k"\nI1\nd.'))).toEqual({ k: 1 });
    expect(unpickle(p('(I1\ntp0\n0g0\n.'))).toEqual([1]);
  });

  it('reads the binary integer forms', () => {
    expect(unpickle(p(PROTO2, 'K', [0xff], STOP))).toBe(255);
    expect(unpickle(p(PROTO2, 'M', [0xff, 0xff], STOP))).toBe(65535);
    expect(unpickle(p(PROTO2, 'J', [0xff, 0xff, 0xff, 0xff], STOP))).toBe(-1);
    expect(unpickle(p(PROTO2, [0x8a, 0x00], STOP))).toBe(0);
    expect(unpickle(p(PROTO2, [0x8a, 0x01, 0xff], STOP))).toBe(-1);
    expect(unpickle(p(PROTO2, [0x8a, 0x02, 0x00, 0x80], STOP))).toBe(-32768);
    expect(unpickle(p(PROTO2, [0x8a, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f], STOP))).toBe(2 ** 53 - 1);
    expect(unpickle(p(PROTO2, [0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0x20, 0], STOP))).toBe(2n ** 53n);
    expect(unpickle(p(PROTO2, [0x8a, 0x08, 1, 0, 0, 0, 0, 0, 0x20, 0], STOP))).toBe(2n ** 53n + 1n);
    expect(unpickle(p(PROTO2, [0x8b, 1, 0, 0, 0, 0x7f], STOP))).toBe(127);
  });

  it('keeps __proto__ an own key and refuses non-str/int keys', () => {
    const value = unpickle(p(PROTO2, '}', [0x8c, 9], '__proto__', '}', [0x8c, 1], 'x', 'K', [1], 's', 's', STOP)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(() => unpickle(p(PROTO2, '}', 'NNs', STOP))).toThrow(/keys/);
    expect(() => unpickle(p(PROTO2, '}', [0x88], 'Ns', STOP))).toThrow(/keys/);
    expect(() => unpickle(p(PROTO2, '}', 'G', [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], 'Ns', STOP))).toThrow(/keys/);
  });

  it('handles POP, POP_MARK, DUP and MEMOIZE like CPython', () => {
    expect(unpickle(p(PROTO2, 'K', [1], 'K', [2], '0', STOP))).toBe(1);
    expect(unpickle(p(PROTO2, 'K', [1], '(', '0', STOP))).toBe(1); // POP of an empty mark drops the mark
    expect(unpickle(p(PROTO2, 'K', [1], '(K', [2], 'K', [3], '1', STOP))).toBe(1);
    expect(() => unpickle(p(PROTO2, ']', '2', 'a', STOP))).toThrow(/cyclic/);
    expect(unpickle(p([0x80, 0x04], ']', [0x94], 'K', [7], 'a', 'h', [0], [0x86], STOP))).toEqual([[7], [7]]);
  });
});

describe('unpickle refuses', () => {
  it.each([
    // Code execution and foreign globals
    ['os.system via GLOBAL', "cos\nsystem\n(S'echo pwned'\ntR."],
    ['posix.system', "cposix\nsystem\n(S'id'\ntR."],
    ['builtins.eval', 'cbuiltins\neval\n(V1+1\ntR.'],
    ['__builtin__.eval', 'c__builtin__\neval\n(V1+1\ntR.'],
    ['builtins.getattr on os', p([0x80, 0x04, 0x8c, 0x08], 'builtins', [0x8c, 0x07], 'getattr', [0x93, 0x8c, 0x02], 'os', [0x8c, 0x06], 'system', [0x93, 0x8c, 0x06], 'system', [0x86], 'R.')],
    ['getattr(ZoneInfo, something else)', p([0x80, 0x04, 0x8c, 0x08], 'builtins', [0x8c, 0x07], 'getattr', [0x93, 0x8c, 0x08], 'zoneinfo', [0x8c, 0x08], 'ZoneInfo', [0x93, 0x8c, 0x08], '__init__', [0x86], 'R.')],
    ['calling ZoneInfo directly', p([0x80, 0x04, 0x8c, 0x08], 'zoneinfo', [0x8c, 0x08], 'ZoneInfo', [0x93, 0x8c, 0x03], 'UTC', [0x85], 'R.')],
    ['a bare allowed global as a value', 'cdatetime\ndate\n.'],
    ['a tzinfo as a value', 'cpytz\n_UTC\n)R.'],
    ['a timedelta as a value', 'cdatetime\ntimedelta\n(I1\ntR.'],
    ['a tzinfo inside a list', '(cpytz\n_UTC\n)Rl.'],
    ['_codecs.encode with another codec', "c_codecs\nencode\n(Vx\nVrot13\ntR."],
    ['_codecs.encode with non-latin-1 text', 'c_codecs\nencode\n(V\\u4e2d\nVlatin1\ntR.'],
    ['bytes() with an argument', 'c__builtin__\nbytes\n(I5\ntR.'],
    ['pytz._UTC with arguments', 'cpytz\n_UTC\n(I1\ntR.'],
    ['pytz._p with an unknown zone', 'cdatetime\ndatetime\n(c_codecs\nencode\n(V\x07\xea\x01\x01\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\nVlatin1\ntRcpytz\n_p\n(VMars/Olympus\ntRtR.'],
    ['datetime with a non-tzinfo', 'cdatetime\ndatetime\n(c_codecs\nencode\n(V\x07\xea\x01\x01\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\nVlatin1\ntRI5\ntR.'],
    ['datetime from ints', 'cdatetime\ndatetime\n(I2026\nI1\nI1\ntR.'],
    ['date of February 30', 'cdatetime\ndate\n(c_codecs\nencode\n(V\x07\xea\x02\x1e\nVlatin1\ntRtR.'],
    ['datetime at hour 24', 'cdatetime\ndatetime\n(c_codecs\nencode\n(V\x07\xea\x01\x01\x18\\u0000\\u0000\\u0000\\u0000\\u0000\nVlatin1\ntRtR.'],
    ['timezone of 24 hours', 'cdatetime\ndatetime\n(c_codecs\nencode\n(V\x07\xea\x01\x01\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\nVlatin1\ntRcdatetime\ntimezone\n(cdatetime\ntimedelta\n(I1\nI0\nI0\ntRtRtR.'],
    ['REDUCE on a list of arguments', 'cdatetime\ndate\n(lR.'],
    ['REDUCE on a non-global', 'I1\n)R.'],
    // Opcodes outside the subset
    ['BUILD', p(PROTO2, '}', '}', 'b', STOP)],
    ['INST', '(i__main__\nEvil\n.'],
    ['OBJ', '(c__main__\nEvil\no.'],
    ['NEWOBJ', p(PROTO2, 'c__main__\nEvil\n)', [0x81], STOP)],
    ['NEWOBJ on an allowed class', p(PROTO2, 'cdatetime\ndate\n)', [0x81], STOP)],
    ['OBJ on an allowed class', '(cdatetime\ndate\no.'],
    ['NEWOBJ_EX', p([0x80, 0x04], 'cdatetime\ndate\n)}', [0x92], STOP)],
    ['PERSID', 'P1\n.'],
    ['BINPERSID', p(PROTO2, 'K', [1], 'Q', STOP)],
    ['EXT1', p(PROTO2, [0x82, 0x01], STOP)],
    ['EXT2', p(PROTO2, [0x83, 0x01, 0x00], STOP)],
    ['EXT4', p(PROTO2, [0x84, 0x01, 0, 0, 0], STOP)],
    ['EMPTY_SET', p([0x80, 0x04, 0x8f], STOP)],
    ['FROZENSET', p([0x80, 0x04], '(', [0x91], STOP)],
    ['ADDITEMS', p([0x80, 0x04], ']', '(', [0x90], STOP)],
    ['BYTEARRAY8', p([0x80, 0x05, 0x96, 1, 0, 0, 0, 0, 0, 0, 0], 'x', STOP)],
    ['NEXT_BUFFER', p([0x80, 0x05, 0x97], STOP)],
    ['READONLY_BUFFER', p([0x80, 0x05], 'C', [1], 'x', [0x98], STOP)],
    ['a byte that is no opcode', p(PROTO2, [0xff], STOP)],
    // Malformed structure
    ['protocol 6', p([0x80, 0x06], 'N.')],
    ['empty input', ''],
    ['no STOP', p(PROTO2, 'N')],
    ['STOP on an empty stack', p(PROTO2, STOP)],
    ['extra values at STOP', p(PROTO2, 'NN.')],
    ['an unclosed MARK at STOP', p(PROTO2, '(N.')],
    ['stack underflow across a MARK', p(PROTO2, 'K', [1], '(', [0x85], STOP)],
    ['APPENDS without MARK', p(PROTO2, ']e.')],
    ['DUP on an empty stack', p(PROTO2, '2.')],
    ['POP on an empty stack', p(PROTO2, '0.')],
    ['APPEND to a tuple', p(PROTO2, ')Na.')],
    ['APPEND to a dict', p(PROTO2, '}Na.')],
    ['SETITEM on a list', p(PROTO2, ']NNs.')],
    ['SETITEMS with an odd count', p(PROTO2, '}(Nu.')],
    ['DICT with an odd count', p(PROTO2, '(Nd.')],
    ['STACK_GLOBAL with non-strings', p([0x80, 0x04], 'NN', [0x93], STOP)],
    ['GET of a missing memo', p(PROTO2, 'h', [5], STOP)],
    ['bad PUT index', 'Np-1\n.'],
    ['bad GET index', 'Np0\ng0x\n.'],
    ['bad INT', 'I1x\n.'],
    ['INT in octal', 'I010\n.'],
    ['bad LONG', 'L1.5\n.'],
    ['bad FLOAT', 'Fpi\n.'],
    ['unterminated text line', 'I1'],
    ['invalid UTF-8', p(PROTO2, [0x8c, 0x01, 0xff], STOP)],
    ['UTF-8 encoded surrogate', p(PROTO2, [0x8c, 0x03, 0xed, 0xa0, 0x80], STOP)],
    ['non-ASCII Python 2 str', p(PROTO2, 'U', [1, 0xe9], STOP)],
    ['unquoted STRING', 'Sabc\n.'],
    ['STRING with a bad \\x', "S'\\x4'\n."],
    ['STRING with a trailing backslash', "S'\\'\n."],
    ['bad \\u in UNICODE', 'V\\u12\n.'],
    ['\\U beyond U+10FFFF', 'V\\U00110000\n.'],
    ['negative LONG4 length', p(PROTO2, [0x8b, 0xff, 0xff, 0xff, 0xff], STOP)],
    ['negative BINSTRING length', p(PROTO2, 'T', [0xff, 0xff, 0xff, 0xff], STOP)],
    ['BINUNICODE longer than the data', p(PROTO2, 'X', [0xff, 0xff, 0xff, 0x7f], 'abc.')],
    ['BINBYTES8 longer than the data', p([0x80, 0x04, 0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], STOP)],
    ['FRAME longer than the data', p([0x80, 0x04, 0x95, 0xff, 0, 0, 0, 0, 0, 0, 0], 'N.')],
    ['a cyclic list', p(PROTO2, ']q', [0], 'h', [0], 'a.')],
    ['a cyclic dict', p(PROTO2, '}q', [0], 'K', [1], 'h', [0], 's.')],
  ])('%s', (_, bytes) => {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    expect(() => unpickle(data)).toThrow(SerializationError);
  });
});

describe('unpickle limits', () => {
  const nested = (n: number) => p(PROTO2, ']'.repeat(n), 'a'.repeat(n - 1), STOP);

  it('bounds input size', () => {
    expect(() => unpickle(p(PROTO2, 'N.'), { maxSize: 3 })).toThrow(/larger/);
    expect(unpickle(p(PROTO2, 'N.'), { maxSize: 4 })).toBeNull();
  });

  it('bounds nesting depth', () => {
    expect(unpickle(nested(128))).toBeDefined();
    expect(() => unpickle(nested(129))).toThrow(/deeply/);
    expect(unpickle(nested(300), { maxDepth: 300 })).toBeDefined();
    // A lifted limit still cannot overflow the JS stack into a RangeError.
    expect(() => unpickle(nested(300_000), { maxDepth: Infinity })).toThrow(SerializationError);
  });

  it('checks depth through shared sub-objects too', () => {
    // x = [[[...]]] (60 deep), then ([x], [[x]]): the second reference to x sits deeper than the first.
    const bytes = p(PROTO2, ']'.repeat(60), 'a'.repeat(59), 'q', [0], '0', ']h', [0], 'a]]h', [0], 'aa', [0x86], STOP);
    expect(unpickle(bytes, { maxDepth: 63 })).toBeDefined();
    expect(() => unpickle(bytes, { maxDepth: 62 })).toThrow(/deeply/);
  });

  it('walks a pickle that shares one list 2^40 ways in linear time', () => {
    // l0 = []; l(k+1) = [lk, lk]: 40 levels would be 2^40 visits without memoization.
    const flat: (string | number[])[] = [PROTO2, ']'];
    for (let k = 0; k < 40; k++) flat.push('q', [0], 'h', [0], [0x86]);
    const started = Date.now();
    const value = unpickle(p(...flat, STOP), { maxExpandedBytes: Infinity });
    expect(Array.isArray(value)).toBe(true);
    // Written back it would be 2^40 lists: the default budget refuses it, just as fast.
    expect(() => unpickle(p(...flat, STOP))).toThrow(ExpandedSizeExceeded);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('bounds memo entries and container elements', () => {
    const memoHeavy = p([0x80, 0x04], 'N', ...Array.from({ length: 20 }, () => [0x94]), STOP);
    expect(unpickle(memoHeavy, { maxMemo: 20 })).toBeNull();
    expect(() => unpickle(memoHeavy, { maxMemo: 19 })).toThrow(/memo/);
    const big = p(PROTO2, ']', '(', 'N'.repeat(100), 'e', STOP);
    expect(unpickle(big, { maxElements: 100 })).toHaveLength(100);
    expect(() => unpickle(big, { maxElements: 99 })).toThrow(/elements/);
  });
});

describe('unpickle: int_max_str_digits and the expansion budget', () => {
  const digits = (n: number) => '1'.repeat(n);

  it('refuses INT and LONG text of more than 4300 digits, sign aside, as Python\'s int() does', () => {
    expect(unpickle(p(`I${digits(4300)}\n.`))).toBe(BigInt(digits(4300)));
    expect(unpickle(p(`I-${digits(4300)}\n.`))).toBe(-BigInt(digits(4300)));
    expect(unpickle(p(`L${digits(4300)}L\n.`))).toBe(BigInt(digits(4300)));
    expect(() => unpickle(p(`I${digits(4301)}\n.`))).toThrow(IntegerTooLong);
    expect(() => unpickle(p(`L-${digits(4301)}L\n.`))).toThrow(/value has 4301 digits/);
    expect(() => unpickle(p(`L${digits(2_000_000)}L\n.`))).toThrow(IntegerTooLong);
  });

  it('takes the limit per call (0 = none) and leaves binary LONG4 unlimited, as Python does', () => {
    expect(() => unpickle(p(`I${digits(641)}\n.`), { intMaxStrDigits: 640 })).toThrow(IntegerTooLong);
    expect(unpickle(p(`I${digits(5000)}\n.`), { intMaxStrDigits: 0 })).toBe(BigInt(digits(5000)));
    expect(() => unpickle(p('I1\n.'), { intMaxStrDigits: 5 })).toThrow(/640/);
    const long4 = p(PROTO2, [0x8b], [0x00, 0x10, 0x00, 0x00], Buffer.alloc(4096, 0x11).toString('latin1'), STOP);
    expect(typeof unpickle(long4)).toBe('bigint');
  });

  it('refuses a result whose memo references expand past maxExpandedBytes (the 1.9M-reference session of issue 14)', () => {
    // One 100 KB string, memoized, then a list of 200,000 BINGETs of it: 400 KB of pickle, 20 GB of JSON.
    const text = 'a'.repeat(100_000);
    const head = p([0x80, 0x04, 0x58], Buffer.from(Uint32Array.of(text.length).buffer).toString('latin1'), text, [0x94, 0x30, 0x5d, 0x94, 0x28]);
    const gets = Buffer.alloc(400_000);
    for (let i = 0; i < gets.length; i += 2) gets[i] = 0x68;
    const bomb = Buffer.concat([head, gets, p('e.')]);
    expect(() => unpickle(bomb)).toThrow(ExpandedSizeExceeded);
    expect(() => unpickle(bomb)).toThrow(/more than 16777216 bytes when written as JSON/);
    expect(unpickle(bomb, { maxExpandedBytes: Infinity })).toHaveLength(200_000);
    // The same list with 100 references fits the default budget (10 MB).
    expect(unpickle(Buffer.concat([head, gets.subarray(0, 200), p('e.')]))).toHaveLength(100);
    expect(() => unpickle(Buffer.concat([head, gets.subarray(0, 200), p('e.')]), { maxExpandedBytes: 1_000_000 })).toThrow(ExpandedSizeExceeded);
  });

  it('reads FLOAT text with one way to match each digit run', () => {
    expect(unpickle(p('F1.\n.'))).toBe(1);
    expect(unpickle(p('F.5e-3\n.'))).toBe(0.0005);
    expect(unpickle(p(`F${digits(100_000)}.${digits(100_000)}\n.`))).toBe(Number(`${digits(100_000)}.${digits(100_000)}`));
    expect(() => unpickle(p(`F${digits(100_000)}x\n.`))).toThrow(/bad float/);
    expect(() => unpickle(p('F1.2.3\n.'))).toThrow(/bad float/);
  });
});

describe('unpickle: fuzz regressions (fuzz/crashes)', () => {
  it('refuses a UNICODE opcode that spells a lone surrogate (unpickle-reencode-failed-96929659fadc, seed 3056814018)', () => {
    const input = Buffer.from('KGRwMApWX2F1dGhfdXNlcl9pZGRkZGRkZGQwMFx1ZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZDExCmNkYXRldGltZQpkYXRldGltZQpwMTIKKGNfY29kZWNzCmVuY29kZQpwMTMKKFYHzwwfFzs7XHUwMDAwXHUwMDAwXHUwMDAwCnAxNApWbGF0aW4xCnAxNQp0cDE2ClJwMTcKdHAxOApScDE5CnMu', 'base64');
    expect(() => unpickle(input)).toThrow(SerializationError);
    expect(() => unpickle(p('V\\udc00\n.'))).toThrow(/badly encoded/);
    expect(unpickle(p('V\\ud83d\\ude00\n.'))).toBe('\u{1f600}');
  });
});

