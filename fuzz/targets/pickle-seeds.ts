import { NaiveDateTime, PyDate, PyFloat, PyTuple, pickleDumps } from '@django-bridge/core';

/**
 * Pickles the Django oracle cannot easily make: shared objects (memo references), every protocol,
 * datetimes. Written by pickleDumps, whose output the interop suite checks byte for byte against
 * CPython's pickle.dumps.
 */
export function handMadePickles(): Buffer[] {
  const shared = 'x'.repeat(200);
  const list = [1, 2, 3];
  const values: unknown[] = [
    { a: shared, b: shared, c: [shared, shared, shared] },
    { l: [list, list, { list }] },
    { n: [0, -1, 255, 65535, 2 ** 31, 2 ** 53 - 1, 12345678901234567890n, -(2n ** 70n)], f: [1.5, new PyFloat(2), -0, Number.NaN, Infinity] },
    { t: new PyTuple([1, 'a', new PyTuple([])]), bytes: Buffer.from([0, 1, 255]), empty: {} },
    { d: new PyDate(2024, 2, 29), dt: new NaiveDateTime(2024, 2, 29, 23, 59, 59, 999999), aware: new Date(Date.UTC(2030, 0, 1)) },
  ];
  const out: Buffer[] = [];
  for (const value of values) for (const protocol of [2, 4, 5]) out.push(pickleDumps(value, { protocol }));
  return out;
}
