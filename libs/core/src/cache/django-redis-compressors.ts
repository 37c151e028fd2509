import { inflateSync } from 'node:zlib';
import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { zlibCompress } from '../signing/compression.js';

/**
 * One of django-redis's OPTIONS COMPRESSOR classes. `decompress` answers null where django-redis
 * raises CompressorError (the bytes are no compressed value), which its client reads as "stored
 * uncompressed" and hands to the serializer as they are.
 */
export interface DjangoRedisCompressor {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer | null;
}

export type DjangoRedisCompressorName = 'none' | 'zlib';

/** COMPRESSOR by django-redis's class path, or the bridge's short name. */
export const DJANGO_REDIS_COMPRESSORS: Readonly<Record<string, DjangoRedisCompressorName>> = {
  none: 'none',
  identity: 'none',
  zlib: 'zlib',
  'django_redis.compressors.identity.IdentityCompressor': 'none',
  'django_redis.compressors.zlib.ZlibCompressor': 'zlib',
};

/** Default cap on an inflated value: far above any session, far below a zip bomb. */
export const DEFAULT_MAX_DECOMPRESSED_VALUE_SIZE = 16 * 1024 * 1024;

/** `IdentityCompressor`. */
const identity: DjangoRedisCompressor = { compress: (data) => data, decompress: (data) => data };

/**
 * `ZlibCompressor`: `zlib.compress(value, 6)` for values longer than 15 bytes (its class
 * attributes min_length and preset, which OPTIONS do not change), the rest as they are. pako
 * writes the bytes of the zlib CPython links against. Inflating stops at `maxSize`: a bomb is a
 * SerializationError, never a fallback to the raw bytes.
 */
function zlibCompressor(maxSize: number): DjangoRedisCompressor {
  return {
    compress: (data) => (data.length > 15 ? zlibCompress(data) : data),
    decompress: (data) => {
      try {
        return inflateSync(data, { maxOutputLength: maxSize });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new SerializationError(`Decompressed cache value exceeds ${maxSize} bytes`);
        return null;
      }
    },
  };
}

/** The compressor named by OPTIONS COMPRESSOR; ImproperlyConfigured for lzma, lz4, zstd and any other. */
export function djangoRedisCompressor(name: unknown = 'none', maxSize = DEFAULT_MAX_DECOMPRESSED_VALUE_SIZE, option = 'compressor'): DjangoRedisCompressor {
  const kind = typeof name === 'string' ? DJANGO_REDIS_COMPRESSORS[name] : undefined;
  if (kind === 'none') return identity;
  if (kind === 'zlib') return zlibCompressor(maxSize);
  throw new ImproperlyConfigured(`${option} ${JSON.stringify(name)} is not one of ${Object.keys(DJANGO_REDIS_COMPRESSORS).join(', ')} (the bridge reads no lzma, lz4 or zstd)`);
}
