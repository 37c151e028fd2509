import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { phpSerialize } from './php-serialize.js';

const ser = (v: unknown) => phpSerialize(v).toString('utf8');

describe('phpSerialize', () => {
  it('writes scalars', () => {
    expect(ser(null)).toBe('N;');
    expect(ser(true)).toBe('b:1;');
    expect(ser(false)).toBe('b:0;');
    expect(ser(0)).toBe('i:0;');
    expect(ser(-5)).toBe('i:-5;');
    expect(ser(Number.MAX_SAFE_INTEGER)).toBe('i:9007199254740991;');
    expect(ser(2n ** 62n)).toBe('i:4611686018427387904;');
    expect(ser(-(2n ** 63n))).toBe('i:-9223372036854775808;');
    expect(ser(1.5)).toBe('d:1.5;');
    expect(ser(-0)).toBe('d:-0;');
    expect(ser(2 ** 53)).toBe('d:9007199254740992;');
    expect(ser(1e25)).toBe('d:1.0E+25;');
    expect(ser(NaN)).toBe('d:NAN;');
  });

  it('counts string lengths in UTF-8 bytes, without escaping', () => {
    expect(ser('é')).toBe('s:2:"é";');
    expect(ser('😀')).toBe('s:4:"😀";');
    expect(ser('a"b;c\\')).toBe('s:6:"a"b;c\\";');
    expect(ser('')).toBe('s:0:"";');
    expect(ser('\uFEFFx')).toBe('s:4:"\uFEFFx";');
  });

  it('writes Buffers and Uint8Arrays as raw bytes', () => {
    expect(phpSerialize(Buffer.from([0xff, 0x00]))).toEqual(Buffer.concat([Buffer.from('s:2:"'), Buffer.from([0xff, 0x00]), Buffer.from('";')]));
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect(phpSerialize(view)).toEqual(Buffer.concat([Buffer.from('s:2:"'), Buffer.from([2, 3]), Buffer.from('";')]));
  });

  it('writes arrays as 0..n-1 and objects with PHP integer-key normalisation', () => {
    expect(ser([1, 'a', [true]])).toBe('a:3:{i:0;i:1;i:1;s:1:"a";i:2;a:1:{i:0;b:1;}}');
    expect(ser([])).toBe('a:0:{}');
    expect(ser({})).toBe('a:0:{}');
    expect(ser({ _auth_user_id: '1', 'é': 'ü' })).toBe('a:2:{s:13:"_auth_user_id";s:1:"1";s:2:"é";s:2:"ü";}');
    // Real PHP 8.2: "5", "-5", int64 bounds -> ints; "05", "-0", "1.5", " 1", 2^63 -> strings.
    expect(ser({ '05': 1, '-0': 2, '1.5': 3, ' 1': 4, x: 5 })).toBe('a:5:{s:2:"05";i:1;s:2:"-0";i:2;s:3:"1.5";i:3;s:2:" 1";i:4;s:1:"x";i:5;}');
    expect(ser({ '5': 1 })).toBe('a:1:{i:5;i:1;}');
    expect(ser({ '-5': 1 })).toBe('a:1:{i:-5;i:1;}');
    expect(ser({ '9223372036854775807': 1, '-9223372036854775808': 2, '9223372036854775808': 3 })).toBe(
      'a:3:{i:9223372036854775807;i:1;i:-9223372036854775808;i:2;s:19:"9223372036854775808";i:3;}',
    );
  });

  it('writes __proto__ and null-prototype objects as ordinary arrays', () => {
    const obj = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(obj, '__proto__', { value: 1, enumerable: true });
    expect(ser(obj)).toBe('a:1:{s:9:"__proto__";i:1;}');
  });

  it.each([
    ['undefined', undefined],
    ['undefined inside an object', { a: undefined }],
    ['an array hole', [1, , 3]],
    ['a Date', new Date()],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a class instance', new (class Foo {})()],
    ['a boxed string', new String('x')],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a BigInt above int64', 2n ** 63n],
    ['a BigInt below int64', -(2n ** 63n) - 1n],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'],
    ['a lone surrogate key', { '\uD800': 1 }],
    ['an ArrayBuffer', new ArrayBuffer(2)],
    ['a Uint16Array', new Uint16Array(2)],
  ])('refuses %s', (_, value) => {
    expect(() => phpSerialize(value)).toThrow(SerializationError);
  });

  it('refuses cycles but allows shared sub-objects', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => phpSerialize(loop)).toThrow(/Circular/);
    const shared = { a: 1 };
    expect(ser([shared, shared])).toBe('a:2:{i:0;a:1:{s:1:"a";i:1;}i:1;a:1:{s:1:"a";i:1;}}');
  });

  it('turns a stack overflow into a SerializationError', () => {
    let deep: unknown = null;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => phpSerialize(deep)).toThrow(SerializationError);
  });
});
