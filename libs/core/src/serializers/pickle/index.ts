/** A read-only, allow-list pickle reader for sites still on Django's PickleSerializer or pickled caches. */
export { unpickle, type UnpickleOptions } from './unpickle.js';
export { NaiveDateTime, PyDate } from './python-datetime.js';
