import { randomInt } from 'node:crypto';

/** Django's `RANDOM_STRING_CHARS`: a-z, A-Z, 0-9, in that order. */
export const RANDOM_STRING_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `get_random_string`: each character drawn uniformly from `allowedChars` with a CSPRNG. */
export function getRandomString(length: number, allowedChars: string = RANDOM_STRING_CHARS): string {
  if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  if (allowedChars.length === 0) throw new RangeError('allowedChars must not be empty');
  let out = '';
  for (let i = 0; i < length; i++) out += allowedChars[randomInt(allowedChars.length)];
  return out;
}
