import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { getRandomString } from '../crypto/random-string.js';
import { InvalidPasswordHash } from '../errors.js';
import { desCrypt, isDesCryptSalt } from './des-crypt.js';
import { assertEncodablePassword, isEncodablePassword, malformed, maskHash, splitMax, tryDecode, type DecodedPasswordHash, type PasswordHasher, type SafeSummary } from './hasher.js';

/**
 * `crypt$$<13-char DES crypt>` (Django's CryptPasswordHasher, removed in 5.0). Only the
 * traditional DES scheme is implemented: hashes in the other crypt(3) formats (`$1$`, `$6$`...)
 * which glibc would also accept do not verify here.
 */
export class CryptPasswordHasher implements PasswordHasher {
  readonly algorithm = 'crypt';

  /** Django: `get_random_string(2)`, so always alphanumeric. */
  salt(): string {
    return getRandomString(2);
  }

  async encode(password: string, salt: string): Promise<string> {
    assertEncodablePassword(password);
    if (password.includes('\0')) throw new InvalidPasswordHash('crypt cannot hash a password containing NUL');
    if (!isDesCryptSalt(salt)) throw new InvalidPasswordHash('crypt salt must be 2 characters of [./0-9A-Za-z]');
    // Django writes an empty middle field; the salt lives inside the crypt string.
    return `crypt$$${desCrypt(Buffer.from(password, 'utf8'), salt)}`;
  }

  decode(encoded: string): DecodedPasswordHash {
    const parts = splitMax(encoded, '$', 2);
    if (parts.length !== 3) throw malformed(this.algorithm, 'expected 3 fields');
    const [algorithm, salt, hash] = parts;
    if (algorithm !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${algorithm}"`);
    return { algorithm, hash, salt };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password) || password.includes('\0')) return false;
    const { hash } = decoded;
    if (hash.length !== 13 || !isDesCryptSalt(hash.slice(0, 2))) return false;
    return constantTimeCompare(hash, desCrypt(Buffer.from(password, 'utf8'), hash.slice(0, 2)));
  }

  safeSummary(encoded: string): SafeSummary {
    const d = this.decode(encoded);
    return { algorithm: d.algorithm, salt: d.salt, hash: maskHash(d.hash, 3) };
  }

  mustUpdate(): boolean {
    return false;
  }

  async hardenRuntime(): Promise<void> {}
}
