import { describe, expect, it } from '@jest/globals';
import { SerializationError } from '../errors.js';
import { b64Decode } from './base64.js';
import { pythonB64Decode } from './python-b64decode.js';

describe('b64Decode (strict, for hashes)', () => {
  it.each([['', ''], ['YQ', '61'], ['YQ==', '61'], ['YWI=', '6162'], ['YWI', '6162'], ['YWJj', '616263'], ['+/+/', 'fbffbf']])('%p decodes to %s', (text, hex) => {
    expect(b64Decode(text).toString('hex')).toBe(hex);
  });
  it.each(['Y', 'YQ=', 'YQ===', '=', '==', 'Y Q', 'YQ=a', 'YWJj\n', '='.repeat(80_000) + 'x', 'A'.repeat(5)])('%p is refused', (text) => {
    expect(() => b64Decode(text)).toThrow(SerializationError);
  });
});

describe('pythonB64Decode (base64.b64decode without validate; the differential test against CPython is in test/interop/decoder-limits.interop.spec.ts)', () => {
  it.each([
    ['YWJj', 'abc'],
    ['YW Jj\n', 'abc'],
    ['YQ==', 'a'],
    ['YQ==junk after the padding', 'a'],
    ['=YQ==', 'a'],
    ['Y=Q==', 'a'],
    ['*Y*W*J*j*', 'abc'],
    ['', ''],
    ['====', ''],
  ])('%p -> %p', (text, expected) => {
    expect(pythonB64Decode(text).toString('latin1')).toBe(expected);
  });

  it.each(['YQ', 'YWJ', 'Y', 'YWJjZ', 'é', 'YWJj\u0100', '='.repeat(80_000) + 'x'])('%p raises, as binascii.Error or UnicodeEncodeError', (text) => {
    expect(() => pythonB64Decode(text)).toThrow(SerializationError);
  });

  it('decodes whatever b64Encode wrote', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      expect(pythonB64Decode(bytes.toString('base64'))).toEqual(bytes);
    }
  });
});
