import { describe, expect, it } from '@jest/globals';
import { SuspiciousSession } from '../errors.js';
import { ExpandedSizeExceeded, IntegerTooLong } from '../limits/limit-errors.js';
import { dumps } from '../signing/dumps.js';
import { legacyEncode, legacySaltFor } from './legacy-session-data.js';
import { decodeSessionData, DEFAULT_SESSION_SALT } from './session-data.js';

const secretKey = 'django-insecure-test-key';
const legacySalt = legacySaltFor(DEFAULT_SESSION_SALT);

/** The SuspiciousSession's cause, for a decode that must fail. */
function causeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SuspiciousSession);
    return (error as SuspiciousSession).cause;
  }
  throw new Error('decoded');
}

/** Signs raw serializer output as the session text Django stores. */
function signedRaw(bytes: Buffer): string {
  return dumps(null, { key: secretKey, salt: DEFAULT_SESSION_SALT, compress: true, serializer: { dumps: () => bytes, loads: () => null } });
}

/** A pickle (protocol 4) of a list holding one `length`-character string `count` times, through memo GETs. */
function pickleBomb(count: number, length = 100_000): Buffer {
  const head = Buffer.concat([Buffer.from([0x80, 0x04, 0x58]), Buffer.from(Uint32Array.of(length).buffer), Buffer.alloc(length, 0x61), Buffer.from([0x94, 0x30, 0x7d, 0x94, 0x8c, 0x01, 0x6b, 0x94, 0x5d, 0x94, 0x28])]);
  const gets = Buffer.alloc(count * 2);
  for (let i = 0; i < gets.length; i += 2) gets[i] = 0x68;
  return Buffer.concat([head, gets, Buffer.from('es.', 'latin1')]);
}

describe('decodeSessionData: the pre-3.1 format read as Django 3.2 reads it', () => {
  const genuine = legacyEncode(Buffer.from('{"foo":"bar!"}'), secretKey, legacySalt);

  it('skips what base64.b64decode skips, and what follows the padding', () => {
    const spaced = genuine.replace(/(.{10})/g, '$1\n');
    expect(decodeSessionData(spaced, { secretKey, djangoVersion: '3.2' })).toEqual({ foo: 'bar!' });
    // 41 + 14 bytes: the base64 ends in "==", after which b64decode stops reading.
    expect(genuine.endsWith('==')).toBe(true);
    expect(decodeSessionData(`${genuine}trailing`, { secretKey, djangoVersion: '3.2' })).toEqual({ foo: 'bar!' });
  });

  it('refuses a long run of "=" at once (it took 5 s at 80k characters)', () => {
    const started = Date.now();
    expect(() => decodeSessionData('='.repeat(80_000) + 'x', { secretKey, djangoVersion: '3.2' })).toThrow(SuspiciousSession);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('decodeSessionData: maxExpandedBytes', () => {
  it('refuses a pickle session whose memo references expand past the budget (issue 14: 1.9M references of 100 KB)', () => {
    const bomb = signedRaw(pickleBomb(1_900_000));
    expect(bomb.length).toBeLessThan(20_000);
    expect(causeOf(() => decodeSessionData(bomb, { secretKey, serializer: 'pickle' }))).toBeInstanceOf(ExpandedSizeExceeded);
  });

  it('takes the budget from the options, for pickle, JSON, PHP and custom serializers', () => {
    const small = signedRaw(pickleBomb(50, 1000));
    expect((decodeSessionData(small, { secretKey, serializer: 'pickle' }).k as unknown[]).length).toBe(50);
    expect(causeOf(() => decodeSessionData(small, { secretKey, serializer: 'pickle', maxExpandedBytes: 40_000 }))).toBeInstanceOf(ExpandedSizeExceeded);
    const json = dumps({ a: 'x'.repeat(100) }, { key: secretKey, salt: DEFAULT_SESSION_SALT });
    expect(decodeSessionData(json, { secretKey, maxExpandedBytes: 110 })).toEqual({ a: 'x'.repeat(100) });
    expect(causeOf(() => decodeSessionData(json, { secretKey, maxExpandedBytes: 100 }))).toBeInstanceOf(ExpandedSizeExceeded);
    const php = 'a:1:{s:1:"a";s:100:"' + 'x'.repeat(100) + '";}';
    expect(decodeSessionData(php, { secretKey, serializer: 'php', maxExpandedBytes: php.length })).toEqual({ a: 'x'.repeat(100) });
    expect(causeOf(() => decodeSessionData(php, { secretKey, serializer: 'php', maxExpandedBytes: php.length - 1 }))).toBeInstanceOf(ExpandedSizeExceeded);
    const shared = ['y'.repeat(1000)];
    const custom = { dumps: () => Buffer.from('x'), loads: () => ({ a: new Array(100).fill(shared) }) };
    const text = dumps(null, { key: secretKey, salt: DEFAULT_SESSION_SALT, serializer: custom });
    expect(causeOf(() => decodeSessionData(text, { secretKey, serializer: custom, maxExpandedBytes: 50_000 }))).toBeInstanceOf(ExpandedSizeExceeded);
    expect(decodeSessionData(text, { secretKey, serializer: custom })).toHaveProperty('a');
  });
});

describe('decodeSessionData: intMaxStrDigits', () => {
  const session = (digits: number) => dumps(JSON.parse(`{"n":"${'1'.repeat(digits)}"}`), { key: secretKey, salt: DEFAULT_SESSION_SALT, serializer: { dumps: () => Buffer.from(`{"n":${'1'.repeat(digits)}}`), loads: () => null } });

  it('refuses a JSON session holding an integer longer than Python reads (a 2.9M-digit one was accepted)', () => {
    expect(decodeSessionData(session(4300), { secretKey })).toEqual({ n: BigInt('1'.repeat(4300)) });
    expect(causeOf(() => decodeSessionData(session(4301), { secretKey }))).toBeInstanceOf(IntegerTooLong);
    expect(causeOf(() => decodeSessionData(session(2_900_000), { secretKey }))).toBeInstanceOf(IntegerTooLong);
  });

  it('follows the option (0 = no limit) for JSON and pickle', () => {
    expect(decodeSessionData(session(5000), { secretKey, intMaxStrDigits: 0 })).toEqual({ n: BigInt('1'.repeat(5000)) });
    expect(causeOf(() => decodeSessionData(session(700), { secretKey, intMaxStrDigits: 640 }))).toBeInstanceOf(IntegerTooLong);
    const pickled = signedRaw(Buffer.from(`(dS'n'\nI${'1'.repeat(700)}\ns.`, 'latin1'));
    expect(decodeSessionData(pickled, { secretKey, serializer: 'pickle' })).toEqual({ n: BigInt('1'.repeat(700)) });
    expect(causeOf(() => decodeSessionData(pickled, { secretKey, serializer: 'pickle', intMaxStrDigits: 640 }))).toBeInstanceOf(IntegerTooLong);
  });
});
