/** A read-only, allow-list pickle reader for sites still on Django's PickleSerializer or pickled caches. */
export { unpickle, type UnpickleOptions } from './unpickle.js';
export { NaiveDateTime, PyDate } from './python-datetime.js';
/** Its writer, for the same subset: values Django's cache backends can read back. */
export { pickleDumps, type PickleDumpsOptions } from './pickle-dumps.js';
export { PyFloat, PyTuple } from './python-values.js';
