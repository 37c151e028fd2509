import { SerializationError } from '../../errors.js';
import { NaiveDateTime, PyDate } from './python-datetime.js';

/**
 * Checks the finished value: only containers and allowed leaves (no stray global, tzinfo or
 * timedelta), no cycles, nesting within `maxDepth`. Shared sub-objects (memo GETs) are visited
 * once, so a pickle that shares a list 2^30 ways cannot make this walk explode.
 */
export function checkResultShape(value: unknown, maxDepth: number): void {
  try {
    height(value, 0, maxDepth, new Map(), new Set());
  } catch (error) {
    if (error instanceof RangeError) throw new SerializationError('Pickle nested too deeply');
    throw error;
  }
}

/** The nesting height below `value`; `heights` memoizes finished containers, `open` spots cycles. */
function height(value: unknown, depth: number, maxDepth: number, heights: Map<object, number>, open: Set<object>): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Buffer.isBuffer(value) || value instanceof Date || value instanceof NaiveDateTime || value instanceof PyDate) return 0;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
    throw new SerializationError('Pickle holds a value outside the safe subset');
  }
  const known = heights.get(value);
  if (known !== undefined) {
    if (depth + known > maxDepth) throw new SerializationError('Pickle nested too deeply');
    return known;
  }
  if (open.has(value)) throw new SerializationError('Pickle holds a cyclic structure');
  if (depth >= maxDepth) throw new SerializationError('Pickle nested too deeply');
  open.add(value);
  let below = 0;
  for (const child of Object.values(value)) below = Math.max(below, height(child, depth + 1, maxDepth, heights, open));
  open.delete(value);
  heights.set(value, below + 1);
  return below + 1;
}
