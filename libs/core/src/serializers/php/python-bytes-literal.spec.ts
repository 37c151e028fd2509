import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../../errors.js';
import { parsePythonBytesLiteral } from './python-bytes-literal.js';

describe('parsePythonBytesLiteral', () => {
  it('reads repr(bytes) in both quote styles', () => {
    expect(parsePythonBytesLiteral(`b'a:1:{s:1:"k";i:1;}'`)).toEqual(Buffer.from('a:1:{s:1:"k";i:1;}'));
    expect(parsePythonBytesLiteral(`b"it's"`)).toEqual(Buffer.from("it's"));
    expect(parsePythonBytesLiteral(`b''`)).toEqual(Buffer.alloc(0));
    expect(parsePythonBytesLiteral(`b'\\xc3\\xa9\\n\\r\\t\\\\\\''`)).toEqual(Buffer.from("é\n\r\t\\'"));
    expect(parsePythonBytesLiteral(`b'\\x00\\xFF\\"'`)).toEqual(Buffer.from([0, 0xff, 0x22]));
  });

  it('is null for text that is not a bytes literal', () => {
    for (const text of ['a:0:{}', "b'", 'b', '', "'abc'", "B'abc'", "b'abc", "b'abc\"", " b'a'", "b'a' "]) expect(parsePythonBytesLiteral(text)).toBeNull();
  });

  it.each([
    ['short \\x', "b'\\x4'"],
    ['non-hex \\x', "b'\\xzz'"],
    ['unknown escape', "b'\\q'"],
    ['octal escape (repr never writes one)', "b'\\0'"],
    ['unescaped quote', "b'a'b'"],
    ['escaped closing quote', "b'abc\\'"],
    ['non-ASCII character', "b'é'"],
    ['raw newline', "b'a\nb'"],
    ['raw DEL', "b'\x7f'"],
  ])('throws for a malformed literal: %s', (_, text) => {
    expect(() => parsePythonBytesLiteral(text)).toThrow(SerializationError);
  });
});
