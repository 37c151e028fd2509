/**
 * PHP serialize() against Python's phpserialize (what django-php-bridge runs), and the safe pickle
 * reader against CPython's pickle and Django 3.2's PickleSerializer. Random data every run.
 */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, NaiveDateTime, parsePythonBytesLiteral, phpSerialize, phpUnserialize, PyDate, SerializationError, unpickle } from '@django-bridge/core';
import { randomBytes } from 'node:crypto';
import { djangoAll } from '../django/oracle.js';
import { randomDict, randomSession } from '../support/random.js';

// phpserialize writes floats with Python's str() and string keys as given; PHP's own rules
// (shortest float, integer-like keys as ints) are covered by unit tests. Compare on the rest.
function phpFriendly(value: unknown = randomDict()): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return String(value);
  if (Array.isArray(value)) return value.map(phpFriendly);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !/^(0|-?[1-9]\d*)$/.test(k)).map(([k, v]) => [k, phpFriendly(v)]));
  }
  return value;
}

describe('PHP serialize', () => {
  const session = () => ({ _auth_user_id: '42', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: randomBytes(32).toString('hex'), ...(phpFriendly() as object) });
  const values = [...Array.from({ length: 25 }, () => phpFriendly()), ...Array.from({ length: 5 }, session)];
  // An empty PHP array reads back as [] (PHP itself cannot tell [] from {}).
  const emptyAsList = (v: unknown): unknown => (Array.isArray(v) ? v.map(emptyAsList) : v && typeof v === 'object' ? (Object.keys(v).length ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, emptyAsList(x)])) : []) : v);

  it('writes byte-identically to phpserialize.dumps', () => {
    const theirs = djangoAll<Buffer>(values.map((v) => ({ op: 'php_dumps', json: JSON.stringify(v) })));
    expect(values.map((v) => phpSerialize(v).toString('hex'))).toEqual(theirs.map((b) => b.toString('hex')));
  });

  it('reads what phpserialize writes, and phpserialize reads what we write', () => {
    const theirs = djangoAll<Buffer>(values.map((v) => ({ op: 'php_dumps', json: JSON.stringify(v) })));
    for (const [i, bytes] of theirs.entries()) expect(phpUnserialize(bytes)).toEqual(emptyAsList(values[i]));
    const loaded = djangoAll(values.map((v) => ({ op: 'php_loads', data: phpSerialize(v) })));
    // phpserialize maps every array to a dict with int keys; lists come back as {"0":...}.
    const asPhpserialize = (v: unknown): unknown => (Array.isArray(v) ? Object.fromEntries(v.map((x, i) => [String(i), asPhpserialize(x)])) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asPhpserialize(x)])) : v);
    expect(loaded).toEqual(values.map(asPhpserialize));
  });

  it('reads rows that Python 3 Django wrote through django-php-bridge (str(bytes))', () => {
    const samples = [phpSerialize({ _auth_user_id: '1', note: "it's \"quoted\" \\ é\n" }), randomBytes(64), Buffer.from(`a:0:{}`)];
    const reprs = djangoAll<string>(samples.map((data) => ({ op: 'bytes_repr', data })));
    for (const [i, text] of reprs.entries()) expect(parsePythonBytesLiteral(text)).toEqual(samples[i]);
    expect(decodeSessionData(reprs[0], { secretKey: 'unused', serializer: 'php' })).toEqual({ _auth_user_id: '1', note: "it's \"quoted\" \\ é\n" });
  });
});

function describeValue(value: unknown): unknown {
  if (value instanceof Date) return { aware: value.toISOString().replace('Z', '+00:00') };
  if (value instanceof NaiveDateTime) return { naive: value.toISOString() };
  if (value instanceof PyDate) return { date: value.toISOString() };
  if (Buffer.isBuffer(value)) return { bytes: value.toString('hex') };
  if (Array.isArray(value)) return value.map(describeValue);
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0))) return { int: String(value) };
  if (typeof value === 'number') return { float: Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : Object.is(value, -0) ? '-0.0' : String(value) };
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeValue(v)]));
  return value;
}

describe('safe pickle reader', () => {
  it('reads every protocol (0-5) with dates, zones, bytes, tuples, big ints', () => {
    const base = randomDict();
    const [expected] = djangoAll<Record<string, unknown>>([{ op: 'pickle_expected_extra' }]);
    const pickles = djangoAll<Buffer>([0, 1, 2, 3, 4, 5].map((protocol) => ({ op: 'pickle_dumps', json: JSON.stringify(base), protocol, extra: true })));
    for (const [protocol, bytes] of pickles.entries()) {
      const value = unpickle(bytes) as Record<string, unknown>;
      const described = describeValue(value) as Record<string, unknown>;
      for (const [key, want] of Object.entries(expected)) {
        if (key === 'floats') {
          expect(described[key]).toEqual((want as { float: string }[]).map((f) => ({ float: f.float === '1.5' ? '1.5' : f.float })));
          continue;
        }
        expect([protocol, key, described[key]]).toEqual([protocol, key, want]);
      }
      // Plain JSON-like data round-trips exactly.
      for (const [k, v] of Object.entries(base)) expect(value[k]).toEqual(v);
    }
  });

  it('reads sessions written by Django 3.2 PickleSerializer', () => {
    const session = randomSession();
    const [{ data, expiry }] = djangoAll<{ data: Buffer; expiry: string }>([{ op: 'django_pickle_session', json: JSON.stringify(session) }]);
    const value = unpickle(data) as Record<string, unknown>;
    expect({ ...value, _session_expiry: undefined }).toEqual({ ...session, _session_expiry: undefined });
    expect((value._session_expiry as Date).getTime()).toBe(Math.floor(new Date(expiry).getTime()));
  });

  it('refuses code execution, foreign globals and types outside the subset', () => {
    const [pickles] = djangoAll<Buffer[]>([{ op: 'malicious_pickles' }]);
    expect(pickles.length).toBeGreaterThan(10);
    for (const bytes of pickles) expect(() => unpickle(bytes)).toThrow(SerializationError);
  });
});
