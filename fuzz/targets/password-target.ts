import { checkPassword, identifyHasher, PasswordHashers, UnknownPasswordHasher } from '@django-bridge/core';
import { djangoSeedsFor } from '../lib/corpus.js';
import { fuzzText, type Target } from '../lib/target.js';
import { PASSWORD_TOKENS } from './dictionaries.js';

/** The password of every seed hash. */
export const FUZZ_PASSWORD = 'fuzz password \u00e9';

/**
 * Every built-in hasher with cheap work factors and caps just above them, so one input costs
 * milliseconds: a mutated hash whose work factor exceeds a cap must be refused (InvalidPasswordHash),
 * never computed.
 */
export const FUZZ_HASHERS = new PasswordHashers({
  hashers: ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt', 'scrypt', 'sha1', 'md5', 'unsalted_sha1', 'unsalted_md5', 'crypt'],
  iterations: 1000,
  bcryptRounds: 4,
  argon2: { timeCost: 1, memoryCost: 64, parallelism: 1 },
  scrypt: { workFactor: 16, blockSize: 8, parallelism: 1 },
  limits: { pbkdf2Iterations: 4000, bcryptCost: 6, argon2MemoryCost: 1024, argon2TimeCost: 3, argon2Parallelism: 4, scryptMemory: 1024 * 1024, scryptParallelism: 4 },
});

/** identify_hasher, the hasher's decode/safe_summary/must_update, then check_password on a mutated hash string. */
export const passwordTarget: Target = {
  name: 'passwords',
  seeds: () => djangoSeedsFor('passwords'),
  dictionary: PASSWORD_TOKENS,
  maxLength: 4 * 1024,
  // A hash costs its work factor, not its length; the caps above keep the slowest near 20 ms.
  timeBaseMs: 250,
  run: async (input) => {
    const encoded = fuzzText(input);
    try {
      const hasher = identifyHasher(encoded, FUZZ_HASHERS);
      for (const probe of [() => hasher.safeSummary(encoded), () => hasher.decode(encoded), () => FUZZ_HASHERS.mustUpdate(encoded)]) {
        try {
          probe();
        } catch (err) {
          if (!(err instanceof Error && err.name === 'InvalidPasswordHash')) throw err;
        }
      }
    } catch (err) {
      if (!(err instanceof UnknownPasswordHasher)) throw err;
    }
    const ok = await checkPassword(FUZZ_PASSWORD, encoded, { hashers: FUZZ_HASHERS });
    return { serializedBytes: input.length, problem: typeof ok === 'boolean' ? undefined : `checkPassword returned ${typeof ok}` };
  },
};
