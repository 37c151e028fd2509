import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { pickleDumps } from '../serializers/pickle/pickle-dumps.js';
import { unpickle, type UnpickleOptions } from '../serializers/pickle/unpickle.js';
import { type DecodeLimits } from '../limits/decode-limits.js';
import { checkExpandedSize, resolveMaxExpandedBytes } from '../limits/expanded-size.js';
import { pythonJsonLoads } from '../serializers/python-json.js';
import { djangoJsonDumps } from './django-json.js';
import { msgpackDumps, msgpackLoads } from './msgpack.js';

/** One of django-redis's OPTIONS SERIALIZER classes: value to bytes and back. */
export interface DjangoRedisSerializer {
  dumps(value: unknown): Buffer;
  loads(data: Buffer): unknown;
}

export type DjangoRedisSerializerName = 'pickle' | 'json' | 'msgpack';

/** SERIALIZER by django-redis's class path, or the bridge's short name. */
export const DJANGO_REDIS_SERIALIZERS: Readonly<Record<string, DjangoRedisSerializerName>> = {
  pickle: 'pickle',
  json: 'json',
  msgpack: 'msgpack',
  'django_redis.serializers.pickle.PickleSerializer': 'pickle',
  'django_redis.serializers.json.JSONSerializer': 'json',
  'django_redis.serializers.msgpack.MSGPackSerializer': 'msgpack',
};

/** Largest stored value the readers accept, in bytes (after decompression). */
export const DEFAULT_MAX_CACHE_VALUE_SIZE = 4 * 1024 * 1024;

export interface DjangoRedisSerializerOptions extends DecodeLimits {
  /**
   * OPTIONS PICKLE_VERSION: the protocol PickleSerializer writes. Default 4, Python's
   * `pickle.DEFAULT_PROTOCOL` up to 3.13; set 5 for a site on Python 3.14+. Negative means
   * `pickle.HIGHEST_PROTOCOL` (5), as in Python; 0 and 1 are not written by the bridge.
   */
  pickleVersion?: number;
  /** Largest value read (default 4 MiB). */
  maxSize?: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `django_redis.serializers.pickle.PickleSerializer`. */
function pickleSerializer(protocol: number, limits: UnpickleOptions): DjangoRedisSerializer {
  return {
    dumps: (value) => pickleDumps(value, { protocol }),
    loads: (data) => unpickle(data, limits),
  };
}

/** `django_redis.serializers.json.JSONSerializer`: DjangoJSONEncoder out, `json.loads(bytes.decode())` in. */
function jsonSerializer(maxSize: number, limits: DecodeLimits): DjangoRedisSerializer {
  return {
    dumps: (value) => djangoJsonDumps(value, { intMaxStrDigits: limits.intMaxStrDigits }),
    loads: (data) => {
      if (data.length > maxSize) throw new SerializationError(`JSON value is larger than ${maxSize} bytes`);
      let text: string;
      try {
        text = strictUtf8.decode(data);
      } catch {
        throw new SerializationError("'utf-8' codec can't decode the JSON value");
      }
      return measured(pythonJsonLoads(text, { intMaxStrDigits: limits.intMaxStrDigits }), limits);
    },
  };
}

/** `django_redis.serializers.msgpack.MSGPackSerializer`. */
function msgpackSerializer(maxSize: number, limits: DecodeLimits): DjangoRedisSerializer {
  return {
    dumps: (value) => msgpackDumps(value),
    loads: (data) => measured(msgpackLoads(data, { maxSize }), limits),
  };
}

/** A decoded value held to maxExpandedBytes (the pickle reader measures its own). */
function measured(value: unknown, limits: DecodeLimits): unknown {
  const maxBytes = resolveMaxExpandedBytes(limits.maxExpandedBytes);
  if (maxBytes !== Infinity) checkExpandedSize(value, { maxBytes, format: 'json', what: 'Cached value' });
  return value;
}

/** `int(PICKLE_VERSION)` as django-redis reads it, limited to what the bridge writes. */
export function pickleProtocolOf(pickleVersion: unknown, option = 'pickleVersion'): number {
  if (pickleVersion === undefined) return 4;
  const n = typeof pickleVersion === 'string' && /^\s*[+-]?\d+\s*$/.test(pickleVersion) ? Number(pickleVersion) : pickleVersion;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ImproperlyConfigured(`${option} must be an integer (django-redis's PICKLE_VERSION), not ${JSON.stringify(pickleVersion)}`);
  if (n > 5) throw new ImproperlyConfigured(`${option} can't be higher than pickle.HIGHEST_PROTOCOL: 5`);
  if (n < 0) return 5;
  if (n < 2) throw new ImproperlyConfigured(`${option} ${n}: the bridge writes pickle protocols 2 to 5 only`);
  return n;
}

/** The serializer named by OPTIONS SERIALIZER (short name or class path); ImproperlyConfigured for any other. */
export function djangoRedisSerializer(name: unknown = 'pickle', options: DjangoRedisSerializerOptions = {}, option = 'serializer'): DjangoRedisSerializer {
  const kind = typeof name === 'string' ? DJANGO_REDIS_SERIALIZERS[name] : undefined;
  const maxSize = options.maxSize ?? DEFAULT_MAX_CACHE_VALUE_SIZE;
  switch (kind) {
    case 'pickle':
      return pickleSerializer(pickleProtocolOf(options.pickleVersion), { maxSize, maxExpandedBytes: options.maxExpandedBytes, intMaxStrDigits: options.intMaxStrDigits });
    case 'json':
      return jsonSerializer(maxSize, options);
    case 'msgpack':
      return msgpackSerializer(maxSize, options);
    default:
      throw new ImproperlyConfigured(`${option} ${JSON.stringify(name)} is not one of ${Object.keys(DJANGO_REDIS_SERIALIZERS).join(', ')}`);
  }
}
