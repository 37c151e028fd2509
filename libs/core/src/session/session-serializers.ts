import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { parsePythonBytesLiteral, phpSerialize, phpUnserialize } from '../serializers/php/index.js';
import { unpickle } from '../serializers/pickle/index.js';
import { JSONSerializer, type Serializer } from '../serializers/serializer.js';

/** SESSION_SERIALIZER choices: Django's JSON (default), php_serialize (django-php-bridge), pickle (read-only). */
export type SessionSerializerName = 'json' | 'php' | 'pickle';

/** Django's PickleSerializer, restricted to the safe subset; writing pickles is never offered. */
export const PickleSerializer: Serializer = {
  dumps: () => {
    throw new ImproperlyConfigured('The pickle session serializer is read-only; write sessions as json');
  },
  loads: (data) => unpickle(data),
};

/**
 * PHP's `serialize()` of `$_SESSION` (the `php_serialize` handler). Reads rows that a Python 3
 * Django wrote through django-php-bridge, stored as the literal text `b'a:...'`, too.
 */
export const PhpSessionSerializer: Serializer = {
  dumps: (value) => phpSerialize(value),
  loads: (data) => {
    const literal = parsePythonBytesLiteral(data.toString('utf8'));
    return phpUnserialize(literal ?? data);
  },
};

export function resolveSessionSerializer(serializer: SessionSerializerName | Serializer = 'json'): Serializer {
  if (typeof serializer === 'object') return serializer;
  switch (serializer) {
    case 'json':
      return JSONSerializer;
    case 'php':
      return PhpSessionSerializer;
    case 'pickle':
      return PickleSerializer;
    default:
      throw new ImproperlyConfigured(`sessionSerializer "${String(serializer)}" is not one of json, php, pickle`);
  }
}

/** Session data must be a dict; PHP arrays with 0..n-1 keys arrive as lists and are turned back into one. */
export function asSessionDict(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    throw new SerializationError('Session data is a list, not a dict');
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) {
    throw new SerializationError('Session data is not a dict');
  }
  return value as Record<string, unknown>;
}
