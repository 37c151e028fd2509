import { getRandomString } from '../crypto/random-string.js';
import { UnknownPasswordHasher } from '../errors.js';
import type { PasswordHasher } from './hasher.js';
import { isPasswordUsable, makePassword, UNUSABLE_PASSWORD_SUFFIX_LENGTH } from './make-password.js';
import { getDefaultPasswordHashers, type PasswordHashers } from './password-hashers.js';
import { mayUpgradePassword, type PasswordUpgradePolicy } from './upgrade-policy.js';

export interface VerifyPasswordOptions {
  /** The hasher new hashes should use; default: the first enabled one. */
  preferred?: string | PasswordHasher;
  hashers?: PasswordHashers;
}

export interface CheckPasswordOptions extends VerifyPasswordOptions {
  /** Called (and awaited) with the raw password when it is correct but its hash is outdated. */
  setter?: (password: string) => unknown;
  /** Which outdated hashes the setter may rewrite (see PasswordUpgradePolicy); default 'always', Django's rule. */
  upgrade?: PasswordUpgradePolicy;
}

export interface VerifyPasswordResult {
  isCorrect: boolean;
  mustUpdate: boolean;
}

/**
 * Django 5.0+'s `verify_password` (the body of `check_password` in older lines). Never throws for
 * a malformed or unknown hash (it answers false); throws InvalidPasswordHash when a stored work
 * factor exceeds the configured caps, so a planted hash cannot pin the CPU.
 */
export async function verifyPassword(password: string | null | undefined, encoded: string | null | undefined, options: VerifyPasswordOptions = {}): Promise<VerifyPasswordResult> {
  const hashers = options.hashers ?? getDefaultPasswordHashers();
  const preferred = hashers.get(options.preferred ?? 'default');
  let hasher: PasswordHasher | undefined;
  if (password !== null && password !== undefined && typeof encoded === 'string' && isPasswordUsable(encoded)) {
    try {
      hasher = hashers.identify(encoded);
    } catch (err) {
      if (!(err instanceof UnknownPasswordHasher)) throw err;
    }
  }
  if (!hasher || typeof password !== 'string' || typeof encoded !== 'string') {
    // No password, unusable or unknown hash (e.g. no such user): spend one default hash anyway so
    // the response time does not tell these cases apart (Django 4.2.14+, Debian's 3.2).
    await makePassword(getRandomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH), { hashers });
    return { isCorrect: false, mustUpdate: false };
  }
  const hasherChanged = hasher.algorithm !== preferred.algorithm;
  const mustUpdate = hasherChanged || preferred.mustUpdate(encoded);
  const isCorrect = await hasher.verify(password, encoded);
  // Close the timing gap between a weaker stored work factor and the current one, but only when
  // the algorithm is the same (Django does not protect the hasher-changed case either).
  if (!isCorrect && !hasherChanged && mustUpdate) await hasher.hardenRuntime(password, encoded);
  return { isCorrect, mustUpdate };
}

/** `check_password`: true if `password` matches `encoded`; rehash through `setter` when outdated. */
export async function checkPassword(password: string | null | undefined, encoded: string | null | undefined, options: CheckPasswordOptions = {}): Promise<boolean> {
  const { isCorrect, mustUpdate } = await verifyPassword(password, encoded, options);
  if (options.setter && isCorrect && mustUpdate) {
    const hashers = options.hashers ?? getDefaultPasswordHashers();
    const preferred = hashers.get(options.preferred ?? 'default');
    if (mayUpgradePassword(options.upgrade ?? 'always', encoded as string, hashers.identify(encoded as string), preferred)) await options.setter(password as string);
  }
  return isCorrect;
}
