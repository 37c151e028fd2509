import { createHash } from 'node:crypto';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { checkEncodeArgs, defaultSalt, isEncodablePassword, malformed, maskHash, mustUpdateSalt, splitMax, tryDecode, type DecodedPasswordHash, type PasswordHasher, type SafeSummary } from './hasher.js';

/** `<algorithm>$<salt>$<hex digest of salt + password>`: the legacy salted sha1 and md5 hashers. */
abstract class SaltedDigestPasswordHasher implements PasswordHasher {
  abstract readonly algorithm: 'sha1' | 'md5';

  salt(): string {
    return defaultSalt();
  }

  async encode(password: string, salt: string): Promise<string> {
    checkEncodeArgs(password, salt);
    const hex = createHash(this.algorithm).update(salt + password, 'utf8').digest('hex');
    return `${this.algorithm}$${salt}$${hex}`;
  }

  decode(encoded: string): DecodedPasswordHash {
    const parts = splitMax(encoded, '$', 2);
    if (parts.length !== 3) throw malformed(this.algorithm, 'expected 3 fields');
    const [algorithm, salt, hash] = parts;
    if (algorithm !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${algorithm}"`);
    if (!salt) throw malformed(this.algorithm, 'empty salt');
    return { algorithm, hash, salt };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password)) return false;
    return constantTimeCompare(encoded, await this.encode(password, decoded.salt as string));
  }

  safeSummary(encoded: string): SafeSummary {
    const d = this.decode(encoded);
    return { algorithm: d.algorithm, salt: maskHash(d.salt as string, 2), hash: maskHash(d.hash) };
  }

  mustUpdate(encoded: string): boolean {
    const decoded = tryDecode(() => this.decode(encoded));
    return decoded !== undefined && mustUpdateSalt(decoded.salt as string);
  }

  async hardenRuntime(): Promise<void> {}
}

/** `sha1$<salt>$<hex>` (Django's SHA1PasswordHasher; removed in 5.1). */
export class SHA1PasswordHasher extends SaltedDigestPasswordHasher {
  readonly algorithm = 'sha1';
}

/** `md5$<salt>$<hex>` (Django's MD5PasswordHasher, still shipped in 6.0). */
export class MD5PasswordHasher extends SaltedDigestPasswordHasher {
  readonly algorithm = 'md5';
}
