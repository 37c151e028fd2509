import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { parsePythonBytesLiteral, phpFloatText, phpSerialize, phpUnserialize } from './index.js';

const ser = (v: unknown) => phpSerialize(v).toString('utf8');

describe('phpSerialize', () => {
  it('writes the php_serialize session format with byte lengths', () => {
    expect(ser({ _auth_user_id: '1', 'é': 'ü', n: null, t: true, f: false, i: -5 })).toBe('a:6:{s:13:"_auth_user_id";s:1:"1";s:2:"é";s:2:"ü";s:1:"n";N;s:1:"t";b:1;s:1:"f";b:0;s:1:"i";i:-5;}');
    expect(ser([1, 'a'])).toBe('a:2:{i:0;i:1;i:1;s:1:"a";}');
    expect(ser({ '5': 'int key', '05': 'string key', '-3': 'neg' })).toBe('a:3:{i:5;s:7:"int key";s:2:"05";s:10:"string key";i:-3;s:3:"neg";}');
    expect(phpSerialize(Buffer.from([0xff]))).toEqual(Buffer.from([0x73, 0x3a, 0x31, 0x3a, 0x22, 0xff, 0x22, 0x3b]));
    expect(ser(2n ** 62n)).toBe('i:4611686018427387904;');
    expect(ser(new Map([['b', 1], ['a', 2]]))).toBe('a:2:{s:1:"b";i:1;s:1:"a";i:2;}');
  });
  it.each([[0.1, '0.1'], [1.5, '1.5'], [-2.5, '-2.5'], [1e-5, '1.0E-5'], [0.0001, '0.0001'], [1e25, '1.0E+25'], [1.5e300, '1.5E+300'], [2 ** 53, '9007199254740992'], [1e17, '1.0E+17'], [-0, '-0'], [Infinity, 'INF'], [-Infinity, '-INF'], [NaN, 'NAN'], [123456.789, '123456.789']])(
    'float %p -> %s (PHP >= 7.1)',
    (value, text) => expect(phpFloatText(value)).toBe(text),
  );
  it('refuses what PHP cannot hold', () => {
    expect(() => phpSerialize(new Date())).toThrow(SerializationError);
    expect(() => phpSerialize(() => 1)).toThrow(SerializationError);
    expect(() => phpSerialize(Symbol('x'))).toThrow(SerializationError);
    expect(() => phpSerialize(2n ** 64n)).toThrow(/int range/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => phpSerialize(loop)).toThrow(/Circular/);
  });
});

describe('phpUnserialize', () => {
  it('reads scalars, nested arrays, lists and byte strings', () => {
    expect(phpUnserialize('a:2:{s:13:"_auth_user_id";s:1:"7";s:1:"l";a:2:{i:0;d:0.5;i:1;d:1.0E+25;}}')).toEqual({ _auth_user_id: '7', l: [0.5, 1e25] });
    expect(phpUnserialize('a:2:{i:1;s:1:"a";i:0;s:1:"b";}')).toEqual({ '1': 'a', '0': 'b' });
    expect(phpUnserialize('i:9223372036854775807;')).toBe(9223372036854775807n);
    expect(phpUnserialize('d:INF;')).toBe(Infinity);
    expect(phpUnserialize('d:-INF;')).toBe(-Infinity);
    expect(phpUnserialize('d:NAN;')).toBeNaN();
    expect(phpUnserialize(Buffer.from([0x73, 0x3a, 0x31, 0x3a, 0x22, 0xff, 0x22, 0x3b]))).toEqual(Buffer.from([0xff]));
    expect(phpUnserialize('a:2:{s:1:"k";i:1;s:1:"k";i:2;}')).toEqual({ k: 2 });
  });
  it('keeps __proto__ an ordinary key', () => {
    const v = phpUnserialize('a:1:{s:9:"__proto__";a:1:{s:8:"polluted";b:1;}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
  it.each([
    ['object', 'O:8:"stdClass":0:{}'],
    ['serializable', 'C:3:"Foo":0:{}'],
    ['reference', 'a:2:{i:0;i:1;i:1;R:2;}'],
    ['object reference', 'a:2:{i:0;i:1;i:1;r:2;}'],
    ['enum', 'E:7:"Foo:Bar";'],
    ['nested object', 'a:1:{s:1:"u";O:4:"User":1:{s:2:"id";i:1;}}'],
    ['string too long', 's:10:"abc";'],
    ['string too short', 's:1:"abc";'],
    ['missing quote', 's:3:abc;'],
    ['missing semicolon', 'i:5'],
    ['count mismatch', 'a:2:{i:0;i:1;}'],
    ['absurd count', 'a:99999999:{}'],
    ['negative length', 's:-1:"";'],
    ['huge length', 's:99999999999:"a";'],
    ['trailing data', 'i:1;i:2;'],
    ['bad bool', 'b:2;'],
    ['bad int', 'i:1x;'],
    ['int overflow', 'i:9223372036854775808;'],
    ['bad float', 'd:1.2.3;'],
    ['bad key', 'a:1:{d:1.5;i:1;}'],
    ['array key', 'a:1:{a:0:{}i:1;}'],
    ['empty', ''],
    ['unknown type', 'x:1;'],
  ])('refuses %s', (_, text) => {
    expect(() => phpUnserialize(text)).toThrow(SerializationError);
  });
  it('refuses truncation at every byte of a valid value', () => {
    const full = phpSerialize({ _auth_user_id: '1', nested: [1, 'two', { x: null }], f: 1.5 });
    for (let i = 0; i < full.length; i++) expect(() => phpUnserialize(full.subarray(0, i))).toThrow(SerializationError);
  });
  it('bounds depth and size', () => {
    const deep = 'a:1:{i:0;'.repeat(70) + 'N;' + '}'.repeat(70);
    expect(() => phpUnserialize(deep)).toThrow(/deeply/);
    expect(phpUnserialize(deep, { maxDepth: 80 })).toBeDefined();
    expect(() => phpUnserialize('s:5:"abcde";', { maxSize: 5 })).toThrow(/larger/);
  });
});

describe('parsePythonBytesLiteral', () => {
  it('reads repr(bytes) in both quote styles', () => {
    expect(parsePythonBytesLiteral(`b'a:1:{s:1:"k";i:1;}'`)).toEqual(Buffer.from('a:1:{s:1:"k";i:1;}'));
    expect(parsePythonBytesLiteral(`b"it's"`)).toEqual(Buffer.from("it's"));
    expect(parsePythonBytesLiteral(`b'\\xc3\\xa9\\n\\\\\\''`)).toEqual(Buffer.from("é\n\\'"));
  });
  it('is null for other text and throws for malformed literals', () => {
    expect(parsePythonBytesLiteral('a:0:{}')).toBeNull();
    expect(parsePythonBytesLiteral("b'")).toBeNull();
    expect(() => parsePythonBytesLiteral("b'\\x4'")).toThrow(SerializationError);
    expect(() => parsePythonBytesLiteral("b'\\q'")).toThrow(SerializationError);
    expect(() => parsePythonBytesLiteral("b'a'b'")).toThrow(SerializationError);
    expect(() => parsePythonBytesLiteral("b'é'")).toThrow(SerializationError);
  });
});
