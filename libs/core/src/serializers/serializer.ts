import { SerializationError } from '../errors.js';
import { pythonJsonDumps, pythonJsonLoads } from './python-json.js';

/**
 * Django's serializer protocol for `signing` and sessions: `dumps` returns bytes, `loads` takes
 * bytes. Pass your own object to match a custom Django serializer class.
 */
export interface Serializer {
  dumps(value: unknown): Uint8Array;
  loads(data: Buffer): unknown;
}

/** `django.core.signing.JSONSerializer`: compact ASCII JSON, read back as latin-1. */
export const JSONSerializer: Serializer = {
  dumps: (value) => Buffer.from(pythonJsonDumps(value), 'latin1'),
  loads: (data) => pythonJsonLoads(data.toString('latin1')),
};

export function assertSerializer(serializer: Serializer): Serializer {
  if (!serializer || typeof serializer.dumps !== 'function' || typeof serializer.loads !== 'function') {
    throw new SerializationError('A serializer needs dumps(value) and loads(bytes)');
  }
  return serializer;
}
