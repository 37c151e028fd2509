import { describe, expect, it } from '@jest/globals';
import { IntegerTooLong } from '../limits/limit-errors.js';
import { parsePythonInt, pythonIntBytes } from './python-int.js';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('parsePythonInt (Python 3.11 int(bytes), answers from CPython)', () => {
  it.each([
    ['12', 12],
    [' 12 ', 12],
    ['\t\n\x0b\x0c\r12\r\n', 12],
    ['1_2', 12],
    ['+5', 5],
    ['-0', 0],
    ['007', 7],
    ['0_0', 0],
    ['00_1', 1],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['1180591620717411303424', 1180591620717411303424n],
  ] as const)('%j is %p', (text, value) => {
    expect(parsePythonInt(b(text))).toBe(value);
  });

  it.each(['_12', '12_', '1__2', '0x10', '', ' ', '1 2', '\x1c12', '\x8512', '\xa012', '12\x00', '\xd9\xa1', '+', '-_1', '1.0', '1e3', '--1'])('%j is no int (ValueError)', (text) => {
    expect(parsePythonInt(b(text))).toBeNull();
  });

  it('counts at most 4300 digits, underscores and sign aside (sys.get_int_max_str_digits)', () => {
    expect(parsePythonInt(b('1'.repeat(4300)))).toBe(BigInt('1'.repeat(4300)));
    expect(parsePythonInt(b('-' + '1'.repeat(4300)))).toBe(-BigInt('1'.repeat(4300)));
    expect(parsePythonInt(b('1'.repeat(4301)))).toBeNull();
    expect(parsePythonInt(b('0'.repeat(4301)))).toBeNull();
    expect(parsePythonInt(b('1_'.repeat(2151) + '1'))).toBe(BigInt('1'.repeat(2152)));
  });

  it('reads no pickle as an int', () => {
    expect(parsePythonInt(Buffer.from('80054b2a2e', 'hex'))).toBeNull();
  });
});

describe('python-int under other int_max_str_digits', () => {
  it('takes a per-call limit, 0 for none', () => {
    expect(parsePythonInt(b('1'.repeat(641)), 640)).toBeNull();
    expect(parsePythonInt(b('1'.repeat(640)), 640)).toBe(BigInt('1'.repeat(640)));
    expect(parsePythonInt(b('1'.repeat(5000)), 0)).toBe(BigInt('1'.repeat(5000)));
    expect(() => parsePythonInt(b('1'), 10)).toThrow(/640/);
  });

  it('writes "%d" % value only within the limit, as Python does', () => {
    expect(pythonIntBytes(10n ** 4300n - 1n)).toHaveLength(4300);
    expect(pythonIntBytes(-(10n ** 4300n - 1n))).toHaveLength(4301);
    expect(() => pythonIntBytes(10n ** 4300n)).toThrow(IntegerTooLong);
    expect(pythonIntBytes(10n ** 4300n, 0)).toHaveLength(4301);
    expect(pythonIntBytes(-42).toString()).toBe('-42');
  });
});

