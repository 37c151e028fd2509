import { SerializationError } from '../errors.js';
import { decimalText, resolveIntMaxStrDigits } from '../limits/int-max-str-digits.js';
import { NaiveDateTime, PyDate } from '../serializers/pickle/python-datetime.js';
import { PyFloat, PyTuple } from '../serializers/pickle/python-values.js';
import { escapeString as escape, pythonFloatRepr } from '../serializers/python-json.js';

/**
 * `json.dumps(value, cls=DjangoJSONEncoder)` with the json module's defaults, as django-redis's
 * JSONSerializer writes: ", " and ": " separators, ASCII only, NaN/Infinity allowed, floats in
 * `repr` form. DjangoJSONEncoder writes datetimes in ECMA-262 form (milliseconds, "Z" for UTC) and
 * dates as ISO text; Python reads them back as strings, and so does the bridge.
 */


function number(value: number): string {
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : pythonFloatRepr(value);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `datetime.isoformat()` cut as DjangoJSONEncoder cuts it: microseconds to milliseconds, +00:00 to Z. */
function dateTimeText(year: number, month: number, day: number, hour: number, minute: number, second: number, microsecond: number, utc: boolean): string {
  if (year < 1 || year > 9999) throw new SerializationError(`year ${year} is out of range for a Python datetime`);
  let text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  if (microsecond) text += '.' + pad(microsecond, 6).slice(0, 3);
  return utc ? text + 'Z' : text;
}

function dumpKey(key: unknown, digits: number): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return number(key);
  if (typeof key === 'bigint') return decimalText(key, digits);
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (key === null) return 'null';
  throw new SerializationError(`keys must be str, int, float, bool or None, not ${typeof key}`);
}

function dump(value: unknown, open: Set<object>, digits: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return escape(value);
    case 'number':
      return number(value);
    case 'bigint':
      // Python's own limit on int-to-text: Django writing this int would raise ValueError too.
      return decimalText(value, digits);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new SerializationError(`Object of type ${typeof value} is not JSON serializable`);
  }
  const obj = value as object;
  if (obj instanceof PyFloat) return pythonFloatRepr(obj.value);
  if (obj instanceof Date) {
    if (Number.isNaN(obj.getTime())) throw new SerializationError('An invalid Date is not JSON serializable');
    return escape(dateTimeText(obj.getUTCFullYear(), obj.getUTCMonth() + 1, obj.getUTCDate(), obj.getUTCHours(), obj.getUTCMinutes(), obj.getUTCSeconds(), obj.getUTCMilliseconds() * 1000, true));
  }
  if (obj instanceof NaiveDateTime) return escape(dateTimeText(obj.year, obj.month, obj.day, obj.hour, obj.minute, obj.second, obj.microsecond, false));
  if (obj instanceof PyDate) return escape(`${pad(obj.year, 4)}-${pad(obj.month)}-${pad(obj.day)}`);
  if (open.has(obj)) throw new SerializationError('Circular reference detected');
  open.add(obj);
  try {
    if (Array.isArray(obj) || obj instanceof PyTuple) return '[' + (Array.isArray(obj) ? obj : obj.items).map((v) => dump(v, open, digits)).join(', ') + ']';
    let entries: [unknown, unknown][];
    if (obj instanceof Map) entries = [...obj.entries()];
    else if (Object.getPrototypeOf(obj) === Object.prototype || Object.getPrototypeOf(obj) === null) entries = Object.entries(obj);
    else throw new SerializationError(`Object of type ${obj.constructor?.name ?? 'object'} is not JSON serializable`);
    return '{' + entries.map(([k, v]) => `${escape(dumpKey(k, digits))}: ${dump(v, open, digits)}`).join(', ') + '}';
  } finally {
    open.delete(obj);
  }
}

/** The UTF-8 bytes django-redis's JSONSerializer stores (`json.dumps(...).encode()`; ASCII in fact). */
export function djangoJsonDumps(value: unknown, options: { intMaxStrDigits?: number } = {}): Buffer {
  // Lone surrogates are escaped as Python escapes them, so the text is always ASCII.
  return Buffer.from(dump(value, new Set(), resolveIntMaxStrDigits(options.intMaxStrDigits)), 'latin1');
}
