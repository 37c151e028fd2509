import { ImproperlyConfigured } from '../errors.js';
import { pickleDumps } from '../serializers/pickle/pickle-dumps.js';
import { unpickle, type UnpickleOptions } from '../serializers/pickle/unpickle.js';
import { type CacheValueCodec } from './cache-value-codec.js';
import { isPythonInt, parsePythonInt, pythonIntBytes } from './python-int.js';

/**
 * `django.core.cache.backends.redis.RedisSerializer` (Django 4.0+): an int (not a bool) is stored
 * as its digits, so that INCR works on it; anything else is `pickle.dumps(value,
 * pickle.HIGHEST_PROTOCOL)`, which is 5 on every Python Django 4.0+ runs on. Reading tries `int()`
 * first, then pickle (the bridge's safe reader: plain data only).
 */
export class RedisSerializer implements CacheValueCodec {
  constructor(
    readonly protocol = 5,
    private readonly limits: UnpickleOptions = {},
  ) {
    if (!Number.isInteger(protocol) || protocol < 2 || protocol > 5) throw new ImproperlyConfigured(`The pickle protocol must be 2 to 5, not ${protocol}`);
  }

  encode(value: unknown): Buffer {
    return isPythonInt(value) ? pythonIntBytes(value, this.limits.intMaxStrDigits) : pickleDumps(value, { protocol: this.protocol });
  }

  decode(data: Buffer): unknown {
    return parsePythonInt(data, this.limits.intMaxStrDigits) ?? unpickle(data, this.limits);
  }
}
