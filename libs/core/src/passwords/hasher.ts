import { InvalidPasswordHash } from '../errors.js';
import { RANDOM_STRING_CHARS, getRandomString } from '../crypto/random-string.js';

/** Fields of a stored hash, as Django's `decode()` returns them (camelCase keys). */
export interface DecodedPasswordHash {
  algorithm: string;
  hash: string;
  salt: string | null;
  [field: string]: string | number | null;
}

/** What an admin page may show about a hash: Django's `safe_summary()`, same (translatable) keys. */
export type SafeSummary = Record<string, string | number | null>;

/**
 * One password hashing algorithm, the TypeScript face of Django's `BasePasswordHasher`.
 * Hashing methods are async because they run on the thread pool or native libraries.
 */
export interface PasswordHasher {
  readonly algorithm: string;
  /** True if `password` matches; malformed hashes give false, absurd work factors throw InvalidPasswordHash. */
  verify(password: string, encoded: string): Promise<boolean>;
  /** Hash with the given salt; extra arguments are per-algorithm work factors (Django's optional encode args). */
  encode(password: string, salt: string, ...workFactors: number[]): Promise<string>;
  /** Throws InvalidPasswordHash when the string is not this algorithm's format. */
  decode(encoded: string): DecodedPasswordHash;
  safeSummary(encoded: string): SafeSummary;
  /** True if the hash should be replaced by one with the current work factors (and a long enough salt). */
  mustUpdate(encoded: string): boolean;
  /** Burn the work that `encoded` is missing compared to the current work factor (timing equalisation). */
  hardenRuntime(password: string, encoded: string): Promise<void>;
  salt(): string;
}

/** Django's `salt_entropy`: new salts carry at least 128 bits. */
export const SALT_ENTROPY = 128;
const BITS_PER_CHAR = Math.log2(RANDOM_STRING_CHARS.length);

/** The default salt: ceil(128 / log2(62)) = 22 characters from RANDOM_STRING_CHARS. */
export function defaultSalt(): string {
  return getRandomString(Math.ceil(SALT_ENTROPY / BITS_PER_CHAR), RANDOM_STRING_CHARS);
}

/** `must_update_salt`: a salt shorter than 128 bits of entropy (21 chars or fewer) asks for a rehash. */
export function mustUpdateSalt(salt: string): boolean {
  return salt.length * BITS_PER_CHAR < SALT_ENTROPY;
}

/** `mask_hash`: keep the first `show` characters, star the rest. */
export function maskHash(hash: string, show = 6, char = '*'): string {
  const chars = Array.from(hash);
  return chars.slice(0, show).join('') + char.repeat(Math.max(0, chars.length - show));
}

/** Django's `_check_encode_args` (4.0+; asserts in 3.2): salted formats need a non-empty salt without `$`. */
export function checkEncodeArgs(password: unknown, salt: string): void {
  assertEncodablePassword(password);
  if (!salt || salt.includes('$')) throw new InvalidPasswordHash('salt must be provided and cannot contain $.');
}

// A lone surrogate would be silently replaced by U+FFFD when encoded as UTF-8 (Python refuses it),
// so two different passwords could collide. Refuse such strings instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isEncodablePassword(password: unknown): password is string {
  return typeof password === 'string' && !LONE_SURROGATE.test(password);
}

export function assertEncodablePassword(password: unknown): asserts password is string {
  if (typeof password !== 'string') throw new TypeError(`Password must be a string, got ${password === null ? 'null' : typeof password}.`);
  if (LONE_SURROGATE.test(password)) throw new InvalidPasswordHash('password contains a lone UTF-16 surrogate and cannot be encoded as UTF-8');
}

/**
 * Decimal integer the way the hash was written by `%d`: no sign, no leading zero, no separators.
 * Anything else could never match Django's re-encoded string, so it is malformed.
 */
export function parseCanonicalInt(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Runs a parser that throws InvalidPasswordHash on malformed input; returns undefined instead. */
export function tryDecode<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InvalidPasswordHash) return undefined;
    throw err;
  }
}

export function malformed(algorithm: string, why: string): InvalidPasswordHash {
  return new InvalidPasswordHash(`Malformed ${algorithm} password hash: ${why}`);
}

/** Python's `text.split(sep, maxsplit)`: at most `maxsplit` cuts, the rest stays in the last piece. */
export function splitMax(text: string, sep: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < maxsplit) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  parts.push(rest);
  return parts;
}
