/**
 * The safe pickle reader against the running line's CPython pickle (every protocol) and Django's
 * PickleSerializer, through the Django oracle. Python describes each value as it reads its own pickle
 * back; we must return the same. Random data (seeded) every run. pytz values only where the line's
 * Python has pytz; on 5.0+, which removed PickleSerializer, the oracle uses 4.2's (see ops_pickle.py).
 */
import { describe, expect, it } from '@jest/globals';
import { decodeSessionData, NaiveDateTime, PyDate, SerializationError, unpickle } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { pick, random, randomBytes, randomInt, randomText } from '../support/random.js';

const info = djangoInfo();

type Tz = null | 'utc' | 'pytz_utc' | { offset_us: number } | { pytz: string } | { zoneinfo: string } | { pytz_static: string };

const ZONES = ['Europe/Paris', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
function randomTz(): Tz {
  const kinds: (() => Tz)[] = [
    () => 'utc',
    () => ({ offset_us: randomInt(2) ? randomInt(-1439, 1440) * 60_000_000 : randomInt(-86_399_999, 86_399_999) * 1000 + randomInt(1000) }),
    () => ({ zoneinfo: pick(ZONES) }),
    () => ({ zoneinfo: pick(ZONES) }),
    () => ({ zoneinfo: pick(ZONES) }),
  ];
  // pytz values exist only where the line's Python has pytz (Django 6.1's Python 3.13 root has none).
  if (info.features.pytz) kinds.push(() => 'pytz_utc', () => ({ pytz: pick(ZONES) }), () => ({ pytz_static: pick(['EST', 'MST', 'Etc/GMT+5']) }));
  return pick(kinds)();
}

function randomDateTime(): unknown {
  const tz = randomInt(4) === 0 ? null : randomTz();
  // Zone rules before 1970 fall back to local mean time, whose second offsets Intl rounds; stay in 1970-2037 there.
  const zoned = tz !== null && typeof tz === 'object' && !('offset_us' in tz);
  const year = zoned ? randomInt(1970, 2038) : pick([1, 2, 999, 1900, 1969, 2026, 9999]);
  // Late October and late March put some datetimes in DST overlaps and gaps.
  const month = pick([1, 3, 3, 6, 10, 10, 11, 12]);
  const dt = [year, month, randomInt(1, 29), randomInt(24), randomInt(60), randomInt(60), randomInt(2) ? 0 : randomInt(1_000_000)];
  if (year === 1 && tz && typeof tz === 'object' && 'offset_us' in tz && tz.offset_us > 0) dt[2] = 2; // stay after 0001-01-01 UTC
  if (year === 9999 && tz && typeof tz === 'object' && 'offset_us' in tz && tz.offset_us < 0) dt[2] = 2;
  return { $dt: dt, tz, fold: randomInt(2) };
}

function randomValue(depth = 0): unknown {
  switch (randomInt(depth > 2 ? 9 : 13)) {
    case 0: return randomText(randomInt(2) ? 12 : 200);
    case 1: return randomInt(-1_000_000, 1_000_000);
    case 2: return { $int: pick(['2147483648', '-2147483649', '9007199254740993', '-9007199254740993', String(2n ** 64n), String(-(2n ** 1000n)), '255', '-256', '65535', '-1']) };
    case 3: return { $float: pick(['1.5', '-0.0', 'inf', '-inf', '1e-300', '5e-324', '1.7976931348623157e308', '0.1', '2.0', '1e22']) };
    case 4: return pick([true, false, null]);
    case 5: return randomBytes(randomInt(2) ? randomInt(10) : randomInt(300));
    case 6: return randomDateTime();
    case 7: return { $date: [pick([1, 1999, 2024, 9999]), randomInt(1, 13), randomInt(1, 29)] };
    case 8: return { $float: String(random() * 10 ** randomInt(-10, 10)) };
    case 9: return { $tuple: Array.from({ length: randomInt(5) }, () => randomValue(depth + 1)) };
    case 10: return Array.from({ length: randomInt(5) }, () => randomValue(depth + 1));
    case 11: return { $dict: Array.from({ length: randomInt(4) }, (_, i) => [randomInt(2) ? { $int: String(i * 7 - 3) } : `k${i}${randomText(4)}`, randomValue(depth + 1)]) };
    default: return randomSessionDict(depth + 1);
  }
}

function randomSessionDict(depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = randomInt(6); i > 0; i--) out[randomText(12)] = randomValue(depth);
  return out;
}

function randomSession(): Record<string, unknown> {
  return {
    _auth_user_id: String(randomInt(1, 100000)),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: randomBytes(32).toString('hex'),
    ...randomSessionDict(),
  };
}

function numHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}

/** Our result in the terms of ops_pickle.describe. */
function describeValue(value: unknown): unknown {
  if (value instanceof Date) return { $aware: value.getTime() };
  if (value instanceof NaiveDateTime) return { $naive: value.toISOString() };
  if (value instanceof PyDate) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'bigint') return { $int: value.toString() };
  if (typeof value === 'number') return { $num: numHex(value) };
  if (Array.isArray(value)) return value.map(describeValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeValue(v)]));
  return value;
}

describe(`pickle interop (CPython ${info.python} pickle.dumps, protocols 0-${info.pickle_highest_protocol})`, () => {
  it('reads random session-like dicts exactly as Python reads them back', () => {
    const values = [...Array.from({ length: 40 }, randomSession), ...Array.from({ length: 20 }, () => randomSessionDict())];
    const results = djangoAll<{ pickles: Buffer[]; expected: unknown[] }>(values.map((value) => ({ op: 'pickle_protocols', value })));
    for (const [i, { pickles, expected }] of results.entries()) {
      expect(pickles).toHaveLength(info.pickle_highest_protocol + 1);
      for (const [protocol, bytes] of pickles.entries()) {
        expect([i, protocol, describeValue(unpickle(bytes))]).toEqual([i, protocol, expected[protocol]]);
      }
    }
  });

  it('reads every kind of aware datetime to the exact millisecond, DST overlaps and gaps included', () => {
    const transitions: [string, number[]][] = [
      ['Europe/Berlin', [2026, 3, 29, 2, 30]], ['Europe/Berlin', [2026, 10, 25, 2, 30]],
      ['Europe/Paris', [2026, 3, 29, 2, 0]], ['Europe/Paris', [2026, 10, 25, 2, 59]],
      ['America/New_York', [2026, 3, 8, 2, 30]], ['America/New_York', [2026, 11, 1, 1, 30]],
      ['Australia/Lord_Howe', [2026, 4, 5, 1, 45]], ['Australia/Lord_Howe', [2026, 10, 4, 2, 15]],
      ['Pacific/Chatham', [2026, 4, 5, 3, 15]], ['Pacific/Chatham', [2026, 9, 27, 3, 0]],
    ];
    const edges = transitions.flatMap(([zone, [y, mo, d, h, mi]]) =>
      [0, 1].flatMap((fold) => [{ zoneinfo: zone }, ...(info.features.pytz ? [{ pytz: zone }] : [])].map((tz) => ({ when: { $dt: [y, mo, d, h, mi, 0, 123456], tz, fold } }))),
    );
    const values = [...edges, ...Array.from({ length: 200 }, () => ({ when: randomDateTime() }))];
    const results = djangoAll<{ pickles: Buffer[]; expected: unknown[] }>(values.map((value) => ({ op: 'pickle_protocols', value })));
    for (const [i, { pickles, expected }] of results.entries()) {
      for (const [protocol, bytes] of pickles.entries()) {
        expect([values[i], protocol, describeValue(unpickle(bytes))]).toEqual([values[i], protocol, expected[protocol]]);
      }
    }
  });
});

describe(`Django ${info.version}'s PickleSerializer${info.features.pickle_serializer ? '' : " (4.2's, kept by the oracle: 5.0 removed it)"}`, () => {
  it('reads sessions with a timezone.now() _session_expiry, raw and through decodeSessionData', () => {
    const sessions = Array.from({ length: 10 }, randomSession);
    const results = djangoAll<{ raw: Buffer; encoded: string; expected: unknown; tz_class: string }>(sessions.map((value) => ({ op: 'pickle_django_session', value })));
    for (const { raw, encoded, expected, tz_class } of results) {
      // timezone.now() is pytz.utc-aware on 3.2 and datetime.timezone.utc-aware on 4.0+.
      expect(tz_class).toBe(info.now_tz_module);
      expect(raw.subarray(0, 2)).toEqual(Buffer.from([0x80, info.pickle_highest_protocol])); // PickleSerializer pickles with HIGHEST_PROTOCOL
      const value = unpickle(raw) as Record<string, unknown>;
      expect(value._session_expiry).toBeInstanceOf(Date);
      expect(describeValue(value)).toEqual(expected);
      const decoded = decodeSessionData(encoded, { secretKey: 'oracle-default-secret-key', serializer: 'pickle' });
      expect(describeValue(decoded)).toEqual(expected);
    }
  });
});

describe('malicious and out-of-subset pickles', () => {
  it('are refused with a SerializationError, nothing executed', () => {
    const [pickles] = djangoAll<Record<string, Buffer>>([{ op: 'pickle_malicious' }]);
    expect(Object.keys(pickles).length).toBeGreaterThan(40);
    for (const [name, bytes] of Object.entries(pickles)) {
      let error: unknown;
      try {
        unpickle(bytes);
      } catch (e) {
        error = e;
      }
      expect([name, error instanceof SerializationError]).toEqual([name, true]);
    }
  });
});
