import { pythonJsonDumps, pythonJsonLoads } from '../serializers/python-json.js';
import { JSONSerializer, type Serializer } from '../serializers/serializer.js';
import { checkExpandedSize, resolveMaxExpandedBytes } from './expanded-size.js';
import { resolveIntMaxStrDigits } from './int-max-str-digits.js';

/**
 * The two bounds on decoded data, as one pair of options that a configuration hands to every
 * decoder it builds (sessions, signed cookies, cache values). Undefined means the core default.
 */
export interface DecodeLimits {
  /** Most bytes a decoded value may take written back, references expanded (default 16 MiB; Infinity for none). */
  maxExpandedBytes?: number;
  /** Python's int_max_str_digits (default getIntMaxStrDigits(), 4300; 0 for none). */
  intMaxStrDigits?: number;
}

/**
 * A `signing` serializer held to `limits`. Django's JSONSerializer reads and writes integers within
 * intMaxStrDigits (the site's Python refuses longer ones both ways); any serializer's result is
 * measured against maxExpandedBytes, as JSON. A serializer that measures itself (the pickle
 * readers are given the limits directly) should not be wrapped.
 */
export function limitedSerializer(serializer: Serializer, limits: DecodeLimits, what = 'Signed value'): Serializer {
  const maxBytes = resolveMaxExpandedBytes(limits.maxExpandedBytes);
  const digits = limits.intMaxStrDigits === undefined ? undefined : resolveIntMaxStrDigits(limits.intMaxStrDigits);
  const json = serializer === JSONSerializer;
  return {
    dumps: json ? (value) => Buffer.from(pythonJsonDumps(value, { intMaxStrDigits: digits }), 'latin1') : (value) => serializer.dumps(value),
    loads: (data) => {
      const value = json ? pythonJsonLoads(data.toString('latin1'), { intMaxStrDigits: digits }) : serializer.loads(data);
      if (maxBytes !== Infinity) checkExpandedSize(value, { maxBytes, format: 'json', what });
      return value;
    },
  };
}
