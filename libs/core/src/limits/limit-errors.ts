import { SerializationError } from '../errors.js';

/**
 * An integer written with more decimal digits than `int_max_str_digits` allows: Python's
 * ValueError "Exceeds the limit (4300 digits) for integer string conversion", on reading and on
 * writing. A SerializationError, so every caller that fails closed on bad data already handles it.
 */
export class IntegerTooLong extends SerializationError {}

/**
 * A decoded value that would take more than the configured budget to write back (references
 * expanded): refused at decode time so that re-encoding it on save cannot exhaust memory.
 */
export class ExpandedSizeExceeded extends SerializationError {}
