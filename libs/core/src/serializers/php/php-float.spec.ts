import { describe, expect, it } from '@jest/globals';
import { phpFloatText } from './php-float.js';

// Expected texts are what PHP 8.2 serialize() prints (serialize_precision = -1).
describe('phpFloatText', () => {
  it.each([
    [0.1, '0.1'], [1.5, '1.5'], [-2.5, '-2.5'], [100, '100'], [1e15, '1000000000000000'], [1e16, '10000000000000000'],
    [1e17, '1.0E+17'], [2 ** 53, '9007199254740992'], [123456789012345678, '1.2345678901234568E+17'], [1e25, '1.0E+25'],
    [0.0001, '0.0001'], [0.00012, '0.00012'], [1e-5, '1.0E-5'], [5e-324, '5.0E-324'], [1.7976931348623157e308, '1.7976931348623157E+308'],
    [100000000000000.5, '100000000000000.5'], [123456.789, '123456.789'], [0, '0'], [-0, '-0'],
    [Infinity, 'INF'], [-Infinity, '-INF'], [NaN, 'NAN'],
  ])('%p -> %s', (value, text) => expect(phpFloatText(value)).toBe(text));
});
