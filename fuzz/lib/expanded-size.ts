/**
 * What a decoded value would weigh once re-encoded with every reference written out in full, as a
 * JSON or PHP writer does (a pickle memo reference or a shared object counts each time it is
 * reached). Walks the value and stops as soon as the count passes `limit`, so measuring a
 * billion-item expansion (or a cycle) costs no more than `limit` steps.
 */
export function expandedSizeWithin(value: unknown, limit: number): { size: number; within: boolean } {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (size > limit) return { size, within: false };
    const v = stack.pop();
    if (v === null || v === undefined || typeof v === 'boolean') size += 4;
    else if (typeof v === 'number') size += 8;
    else if (typeof v === 'bigint') size += 2 + Math.ceil(v.toString(16).length * 1.21);
    else if (typeof v === 'string') size += 2 + v.length;
    else if (v instanceof Uint8Array) size += 2 + v.length;
    else if (v instanceof Date) size += 32;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      if (size > limit) return { size, within: false };
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v instanceof Map) {
      size += 2 + v.size;
      for (const [k, item] of v) stack.push(k, item);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      size += 2 + keys.length;
      for (const k of keys) {
        size += 2 + k.length;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else size += 8;
  }
  return { size, within: size <= limit };
}
