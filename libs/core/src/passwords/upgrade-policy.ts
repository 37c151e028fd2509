import type { PasswordHasher } from './hasher.js';
import { mustUpdateSalt } from './hasher.js';

/**
 * When a correct login may rewrite the stored hash. Django rewrites whenever the hash differs from
 * its own preferred hasher and work factors; two sides that differ in the smallest way (another
 * Django line, another argon2-cffi) then rewrite each other's hashes forever, and each rewrite
 * changes the session auth hash, logging the user out on the other side.
 *
 * - `'django'` (the bridge's default): never rewrite; the Django site upgrades hashes at its own
 *   logins. Ping-pong is impossible, whatever either side is configured to.
 * - `'stronger'`: rewrite only to raise: a legacy algorithm (sha1, md5, unsalted, crypt) becomes
 *   the preferred one, and a hash of the preferred algorithm whose every work factor is at most
 *   the configured one and one of them lower gets the configured ones. Never lowers a factor, never
 *   changes between modern algorithms, never rewrites for an argon2 hash length alone. Safe when
 *   this side is configured at or below the Django site (it can still ping-pong with a Django
 *   configured lower, which rewrites any hash that differs).
 * - `'always'`: Django's own rule, for a service that is the only one writing hashes.
 */
export type PasswordUpgradePolicy = 'django' | 'stronger' | 'always';

export const PASSWORD_UPGRADE_POLICIES: readonly PasswordUpgradePolicy[] = ['django', 'stronger', 'always'];

const LEGACY_ALGORITHMS = new Set(['sha1', 'md5', 'unsalted_sha1', 'unsalted_md5', 'crypt']);

/** The work factors of a stored hash and of the hasher, in the same order; null for hashers without any. */
function factors(hasher: PasswordHasher, encoded: string): { stored: number[]; configured: number[]; sameShape: boolean; salt: string } | null {
  let d: Record<string, unknown>;
  try {
    d = hasher.decode(encoded) as Record<string, unknown>;
  } catch {
    return null;
  }
  const h = hasher as unknown as Record<string, number>;
  const salt = String(d.salt ?? '');
  switch (hasher.algorithm) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1':
      return { stored: [Number(d.iterations)], configured: [h.iterations], sameShape: true, salt };
    case 'bcrypt_sha256':
    case 'bcrypt':
      return { stored: [Number(d.workFactor)], configured: [h.rounds], sameShape: true, salt };
    case 'scrypt':
      return { stored: [Number(d.workFactor), Number(d.blockSize), Number(d.parallelism)], configured: [h.workFactor, h.blockSize, h.parallelism], sameShape: true, salt };
    case 'argon2': {
      // Unpadded base64 of the raw hash: its length says how many bytes argon2-cffi made.
      const hashBytes = Math.floor((String(d.hash).length * 3) / 4);
      const sameShape = d.variety === 'argon2id' && d.version === 0x13 && hashBytes === h.hashLength;
      return { stored: [Number(d.timeCost), Number(d.memoryCost), Number(d.parallelism)], configured: [h.timeCost, h.memoryCost, h.parallelism], sameShape, salt };
    }
    default:
      return null;
  }
}

/**
 * Whether a correct password whose hash Django would call outdated (`mustUpdate`) may be rewritten
 * under `policy`: `stored` is the hasher that identified the hash, `preferred` the one new hashes use.
 */
export function mayUpgradePassword(policy: PasswordUpgradePolicy, encoded: string, stored: PasswordHasher, preferred: PasswordHasher): boolean {
  if (policy === 'always') return true;
  if (policy === 'django') return false;
  if (stored.algorithm !== preferred.algorithm) return LEGACY_ALGORITHMS.has(stored.algorithm);
  const f = factors(preferred, encoded);
  if (!f || !f.sameShape || f.stored.some((n) => !Number.isFinite(n))) return false;
  if (f.stored.some((n, i) => n > f.configured[i])) return false;
  if (f.stored.some((n, i) => n < f.configured[i])) return true;
  // Equal factors: only a salt that is too short (both sides agree on that rule).
  return f.salt !== '' && mustUpdateSalt(f.salt);
}
