import { describe, expect, it } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { IntegerTooLong } from '../limits/limit-errors.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { PyFloat, PyTuple } from '../serializers/pickle/python-values.js';
import { djangoJsonDumps } from './django-json.js';
import { DjangoRedisCodec } from './django-redis-codec.js';
import { djangoRedisCompressor } from './django-redis-compressors.js';
import { djangoRedisSerializer, pickleProtocolOf } from './django-redis-serializers.js';
import { RedisSerializer } from './redis-serializer.js';
import { type CacheValueCodec } from './cache-value-codec.js';

/**
 * Known answers: what Django 5.2's RedisSerializer and django-redis 5.2.0's DefaultClient.encode
 * store for each value (Python 3.11, msgpack 1.0.3, zlib 1.2.13), as hex; "ERR ..." where Python raises.
 */
const STORED: Record<string, Record<string, string>> = {
  'builtin': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: '8005882e',
    float: '8005950a00000000000000473ff80000000000002e',
    whole_float: '8005950a000000000000004740000000000000002e',
    text: '8005950d000000000000008c09c3a9e282acf09f9880942e',
    empty: '80059504000000000000008c00942e',
    none: '80054e2e',
    bytes: '8005950600000000000000430200ff942e',
    list: '8005950f000000000000005d94284b018c0161945d944e61652e',
    tuple: '80059507000000000000004b014b0286942e',
    session: '80059504010000000000007d94288c0d5f617574685f757365725f6964948c023432948c125f617574685f757365725f6261636b656e64948c29646a616e676f2e636f6e747269622e617574682e6261636b656e64732e4d6f64656c4261636b656e64948c0f5f617574685f757365725f68617368948c4061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162948c0463617274945d94284b014740040000000000004e888c09c3a9e282acf09f988094658c066e6573746564947d948c0178947d948c0179945d9473738c0f5f73657373696f6e5f657870697279944a00751200752e',
  },
  'pickle+none': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: '8004882e',
    float: '8004950a00000000000000473ff80000000000002e',
    whole_float: '8004950a000000000000004740000000000000002e',
    text: '8004950d000000000000008c09c3a9e282acf09f9880942e',
    empty: '80049504000000000000008c00942e',
    none: '80044e2e',
    bytes: '8004950600000000000000430200ff942e',
    list: '8004950f000000000000005d94284b018c0161945d944e61652e',
    tuple: '80049507000000000000004b014b0286942e',
    session: '80049504010000000000007d94288c0d5f617574685f757365725f6964948c023432948c125f617574685f757365725f6261636b656e64948c29646a616e676f2e636f6e747269622e617574682e6261636b656e64732e4d6f64656c4261636b656e64948c0f5f617574685f757365725f68617368948c4061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162948c0463617274945d94284b014740040000000000004e888c09c3a9e282acf09f988094658c066e6573746564947d948c0178947d948c0179945d9473738c0f5f73657373696f6e5f657870697279944a00751200752e',
  },
  'pickle+zlib': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: '8004882e',
    float: '789c6b6099cac50001eef63f200c3d00239302d0',
    whole_float: '789c6b6099cac50001ee0e50861e001bdc01d9',
    text: '789c6b6099cacb00013d9c87573e6a5af361fe8c86297a004f7d08a1',
    empty: '80049504000000000000008c00942e',
    none: '80044e2e',
    bytes: '789c6b6099cac60001ce4c0cffa7e8010017cf0326',
    list: '789c6b6099cacf0001b15334bc197b1813a7c44ef14b4cd5030044eb0643',
    tuple: '789c6b6099cace0001de8cde4c6d53f40019890302',
    session: '789c6b6099cac2c80006b553347a78e3134b4b32e24b8b538be23353a6f43099184de91142124c4a4cce4ecd03ca68a66425e6a5e7eb25e7e795146526e98194e841658bf57cf35352739c606af9910cc8482cce98d2e3909844199cd2c3929c58543225768a8637a3bb030bc40b7e1d3d9c87573e6a5af361fe8c8629a93d6c79a9c525a929536aa7f4305680c94aa08ee262a08b8a538b8b33f3f3e2532b0a328b2aa77831940a3194ea0100b952661c',
  },
  'json+none': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: '74727565',
    float: '312e35',
    whole_float: '322e30',
    text: '225c75303065395c75323061635c75643833645c756465303022',
    empty: '2222',
    none: '6e756c6c',
    bytes: 'ERR TypeError',
    list: '5b312c202261222c205b6e756c6c5d5d',
    tuple: '5b312c20325d',
    session: '7b225f617574685f757365725f6964223a20223432222c20225f617574685f757365725f6261636b656e64223a2022646a616e676f2e636f6e747269622e617574682e6261636b656e64732e4d6f64656c4261636b656e64222c20225f617574685f757365725f68617368223a202261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162222c202263617274223a205b312c20322e352c206e756c6c2c20747275652c20225c75303065395c75323061635c75643833645c7564653030225d2c20226e6573746564223a207b2278223a207b2279223a205b5d7d7d2c20225f73657373696f6e5f657870697279223a20313230393630307d',
  },
  'json+zlib': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: '74727565',
    float: '312e35',
    whole_float: '322e30',
    text: '789c538a29353048b58c293532484c8e294db1304e0192a906064a006c930809',
    empty: '2222',
    none: '6e756c6c',
    bytes: 'ERR TypeError',
    list: '789c8b36d451504a54d25188ce2bcdc9898d050021af049a',
    tuple: '5b312c20325d',
    session: '789ca58fcb0ac23010457f25645dc2343eb02eddfb05b68434196cb4249207544affdda474a16b19b88b39338799990a99e22052402f8ca66742f79c56e4bbdd4bf544bb32fd90f6ee9872367ad3b332c3361cd8d5691c2fdbf0af62906128fbb2ffaf8a56491fb3eb565784b343456c1ac78a449f30c3360160d3260e52b5499f763a2702d02e438b2162f963a6d39aefe2e996a51c1b3004e3acc0e9657c013587e608b07c0038ae6138',
  },
  'msgpack+none': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: 'c3',
    float: 'cb3ff8000000000000',
    whole_float: 'cb4000000000000000',
    text: 'a9c3a9e282acf09f9880',
    empty: 'a0',
    none: 'c0',
    bytes: 'c40200ff',
    list: '9301a16191c0',
    tuple: '920102',
    session: '86ad5f617574685f757365725f6964a23432b25f617574685f757365725f6261636b656e64d929646a616e676f2e636f6e747269622e617574682e6261636b656e64732e4d6f64656c4261636b656e64af5f617574685f757365725f68617368d94061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162a4636172749501cb4004000000000000c0c3a9c3a9e282acf09f9880a66e657374656481a17881a17990af5f73657373696f6e5f657870697279ce00127500',
  },
  'msgpack+zlib': {
    int: '3432',
    neg: '2d37',
    big: '31313830353931363230373137343131333033343234',
    true: 'c3',
    float: 'cb3ff8000000000000',
    whole_float: 'cb4000000000000000',
    text: 'a9c3a9e282acf09f9880',
    empty: 'a0',
    none: 'c0',
    bytes: 'c40200ff',
    list: '9301a16191c0',
    tuple: '920102',
    session: '789c6b5b1b9f585a92115f5a9c5a149f99b2c8c468139240526272766a5eca4dcd94acc4bcf47cbde4fcbc92a2cc243d900a3da864b19e6f7e4a6a8e1384b71e4977466271c64d87c424cae092e4c4a292a98ca71d5818c0e0c0e19587573e6a5af361fe8c866579a9c525a9298d0b2b1a17564e581f5f9c5a5c9c999f179f5a51905954798e41a894010055325c34',
  },
};

const SESSION = {
  _auth_user_id: '42',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
  _auth_user_hash: 'ab'.repeat(32),
  cart: [1, 2.5, null, true, 'é€😀'],
  nested: { x: { y: [] } },
  _session_expiry: 1209600,
};

/** The same values as the Python that made STORED. */
const VALUES: Record<string, unknown> = {
  int: 42,
  neg: -7,
  big: 2n ** 70n,
  true: true,
  float: 1.5,
  whole_float: new PyFloat(2),
  text: 'é€😀',
  empty: '',
  none: null,
  bytes: Buffer.from([0, 255]),
  list: [1, 'a', [null]],
  tuple: new PyTuple([1, 2]),
  session: SESSION,
};

/** What a reader gives back for a value: tuples as arrays, floats as numbers. */
function readBack(name: string): unknown {
  const value = VALUES[name];
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyTuple) return [...value.items];
  return value;
}

function codecFor(format: string): CacheValueCodec {
  if (format === 'builtin') return new RedisSerializer();
  const [serializer, compressor] = format.split('+');
  return new DjangoRedisCodec(djangoRedisSerializer(serializer), djangoRedisCompressor(compressor));
}

describe.each(Object.keys(STORED))('%s', (format) => {
  const codec = codecFor(format);
  it.each(Object.keys(VALUES))('%s: the same bytes as Django, read back', (name) => {
    const expected = STORED[format][name];
    if (expected.startsWith('ERR')) {
      expect(() => codec.encode(VALUES[name])).toThrow(SerializationError);
      return;
    }
    expect(codec.encode(VALUES[name]).toString('hex')).toBe(expected);
    expect(codec.decode(Buffer.from(expected, 'hex'))).toEqual(readBack(name));
  });
});

describe('int first, as Django and django-redis read', () => {
  it.each(['builtin', 'pickle+none', 'json+zlib', 'msgpack+none'])('%s reads digits (with Python int() syntax) as ints', (format) => {
    const codec = codecFor(format);
    expect(codec.decode(Buffer.from(' 1_000\n'))).toBe(1000);
    expect(codec.decode(Buffer.from('-12345678901234567890'))).toBe(-12345678901234567890n);
  });

  it('bools are pickled, not stored as 1 and 0', () => {
    expect(codecFor('builtin').encode(true).toString('hex')).toBe('8005882e');
    expect(codecFor('msgpack+none').encode(false).toString('hex')).toBe('c2');
  });
});

describe('zlib compressor', () => {
  const codec = codecFor('pickle+zlib');

  it('reads values stored uncompressed (too short, or written before the compressor was set)', () => {
    expect(codec.decode(Buffer.from(STORED['pickle+none'].session, 'hex'))).toEqual(SESSION);
  });

  it('ignores bytes after the zlib stream, as zlib.decompress does', () => {
    const data = Buffer.concat([Buffer.from(STORED['pickle+zlib'].session, 'hex'), Buffer.from('trailing')]);
    expect(codec.decode(data)).toEqual(SESSION);
  });

  it('a truncated stream is taken as raw bytes, which then fail to unpickle', () => {
    expect(() => codec.decode(Buffer.from(STORED['pickle+zlib'].session, 'hex').subarray(0, 30))).toThrow(SerializationError);
  });

  it('refuses a zip bomb instead of inflating it', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => codec.decode(bomb)).toThrow(/exceeds/);
    const small = new DjangoRedisCodec(djangoRedisSerializer('pickle'), djangoRedisCompressor('zlib', 1000));
    expect(() => small.decode(deflateSync(Buffer.alloc(2000)))).toThrow(SerializationError);
  });
});

describe("DjangoJSONEncoder (json.dumps(value, cls=DjangoJSONEncoder), Django 5.2)", () => {
  const JSON_STORED: Record<string, string> = {
  aware: '22323032342d30322d32395431333a30353a30392e3132335a22',
  aware0: '22323032342d30322d32395431333a30353a30395a22',
  naive: '22303939392d30312d30325430333a30343a30352e30303622',
  date: '22323032342d30312d303222',
  nan: '4e614e',
  inf: '2d496e66696e697479',
  negzero: '2d302e30',
  map: '7b2231223a202261222c202262223a20322c2022322e35223a206e756c6c2c20226e756c6c223a20302c202266616c7365223a20337d',
  };
  it.each([
    ['aware', new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 123))],
    ['aware0', new Date(Date.UTC(2024, 1, 29, 13, 5, 9))],
    ['naive', new NaiveDateTime(999, 1, 2, 3, 4, 5, 6000)],
    ['date', new PyDate(2024, 1, 2)],
    ['nan', NaN],
    ['inf', -Infinity],
    ['negzero', -0],
    ['map', new Map<unknown, unknown>([[1, 'a'], ['b', 2], [2.5, null], [null, 0], [false, 3]])],
  ] as const)('%s', (name, value) => {
    expect(djangoJsonDumps(value).toString('hex')).toBe(JSON_STORED[name]);
  });

  it("writes ints as Python does, up to sys.get_int_max_str_digits() digits (ValueError in Django beyond)", () => {
    const long = 10n ** 4300n;
    expect(() => djangoJsonDumps({ n: long })).toThrow(IntegerTooLong);
    expect(() => djangoJsonDumps({ [String(long)]: 1, k: [long] }, { intMaxStrDigits: 0 })).not.toThrow();
    expect(djangoJsonDumps([10n ** 4299n], { intMaxStrDigits: 4300 }).length).toBe(4302);
    expect(() => djangoJsonDumps([10n ** 20n], { intMaxStrDigits: 640 })).not.toThrow();
    const serializer = djangoRedisSerializer('json', { intMaxStrDigits: 640 });
    expect(() => serializer.dumps([10n ** 700n])).toThrow(IntegerTooLong);
  });

  it('refuses bytes, sets, cycles and invalid dates', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bad of [Buffer.from('x'), new Set(), cycle, new Date(NaN), undefined]) expect(() => djangoJsonDumps(bad)).toThrow(SerializationError);
  });

  it('reads strictly: invalid UTF-8 and bad JSON are SerializationError', () => {
    const json = djangoRedisSerializer('json');
    expect(() => json.loads(Buffer.from([0x22, 0xff, 0x22]))).toThrow(SerializationError);
    expect(() => json.loads(Buffer.from('{"a": '))).toThrow(SerializationError);
    expect(json.loads(Buffer.from('{"a": NaN, "b": 123456789012345678901}'))).toEqual({ a: NaN, b: 123456789012345678901n });
  });
});

describe('options', () => {
  it('PICKLE_VERSION as django-redis reads it', () => {
    expect(pickleProtocolOf(undefined)).toBe(4);
    expect(pickleProtocolOf(5)).toBe(5);
    expect(pickleProtocolOf('3')).toBe(3);
    expect(pickleProtocolOf(-1)).toBe(5);
    for (const bad of [6, 1, 0, 'x', 4.5, true]) expect(() => pickleProtocolOf(bad)).toThrow(ImproperlyConfigured);
    expect(djangoRedisSerializer('pickle', { pickleVersion: 5 }).dumps(1.5).toString('hex')).toBe(STORED.builtin.float);
  });

  it('serializers and compressors by short name or class path; others refused', () => {
    expect(() => djangoRedisSerializer('django_redis.serializers.msgpack.MSGPackSerializer')).not.toThrow();
    expect(() => djangoRedisCompressor('django_redis.compressors.zlib.ZlibCompressor')).not.toThrow();
    expect(() => djangoRedisSerializer('yaml')).toThrow(ImproperlyConfigured);
    expect(() => djangoRedisCompressor('django_redis.compressors.lzma.LzmaCompressor')).toThrow(ImproperlyConfigured);
  });
});
