import { inflateSync } from 'node:zlib';
import pako from 'pako';
import { SerializationError } from '../errors.js';

/** Default cap on inflated size: far above any real session, far below a zip bomb. */
export const DEFAULT_MAX_DECOMPRESSED_SIZE = 16 * 1024 * 1024;

/**
 * `zlib.compress(data)` as CPython writes it (zlib container, level 6). pako is used rather than
 * node:zlib because its deflate emits the same bytes as the zlib 1.2 that Python links against;
 * Node's bundled zlib picks different matches, which changes lengths and so the compress decision.
 */
export function zlibCompress(data: Uint8Array): Buffer {
  return Buffer.from(pako.deflate(data));
}

/** Inflates a zlib stream, refusing to produce more than `maxSize` bytes. */
export function zlibDecompress(data: Uint8Array, maxSize = DEFAULT_MAX_DECOMPRESSED_SIZE): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: maxSize });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SerializationError(`Decompressed data exceeds ${maxSize} bytes`);
    }
    throw new SerializationError(`Invalid zlib data: ${(err as Error).message}`);
  }
}
