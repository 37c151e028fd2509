import { createHash } from 'node:crypto';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { InvalidPasswordHash } from '../errors.js';
import { assertEncodablePassword, isEncodablePassword, malformed, maskHash, type DecodedPasswordHash, type PasswordHasher, type SafeSummary } from './hasher.js';

function requireEmptySalt(salt: string): void {
  if (salt !== '') throw new InvalidPasswordHash('unsalted hashers take an empty salt');
}

/** `sha1$$<hex>`: SHA-1 of the password, no salt, as very old Django accepted (removed in 5.1). */
export class UnsaltedSHA1PasswordHasher implements PasswordHasher {
  readonly algorithm = 'unsalted_sha1';

  salt(): string {
    return '';
  }

  async encode(password: string, salt: string): Promise<string> {
    assertEncodablePassword(password);
    requireEmptySalt(salt);
    return `sha1$$${createHash('sha1').update(password, 'utf8').digest('hex')}`;
  }

  decode(encoded: string): DecodedPasswordHash {
    if (!encoded.startsWith('sha1$$')) throw malformed(this.algorithm, 'does not start with sha1$$');
    return { algorithm: this.algorithm, hash: encoded.slice(6), salt: null };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    if (!isEncodablePassword(password)) return false;
    return constantTimeCompare(encoded, await this.encode(password, ''));
  }

  safeSummary(encoded: string): SafeSummary {
    return { algorithm: this.algorithm, hash: maskHash(this.decode(encoded).hash) };
  }

  mustUpdate(): boolean {
    return false;
  }

  async hardenRuntime(): Promise<void> {}
}

/** A bare 32-hex MD5 of the password (or `md5$$<hex>`), from Django's earliest days (removed in 5.1). */
export class UnsaltedMD5PasswordHasher implements PasswordHasher {
  readonly algorithm = 'unsalted_md5';

  salt(): string {
    return '';
  }

  async encode(password: string, salt: string): Promise<string> {
    assertEncodablePassword(password);
    requireEmptySalt(salt);
    return createHash('md5').update(password, 'utf8').digest('hex');
  }

  decode(encoded: string): DecodedPasswordHash {
    return { algorithm: this.algorithm, hash: encoded, salt: null };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    if (!isEncodablePassword(password)) return false;
    const bare = encoded.length === 37 && encoded.startsWith('md5$$') ? encoded.slice(5) : encoded;
    return constantTimeCompare(bare, await this.encode(password, ''));
  }

  safeSummary(encoded: string): SafeSummary {
    return { algorithm: this.algorithm, hash: maskHash(encoded, 3) };
  }

  mustUpdate(): boolean {
    return false;
  }

  async hardenRuntime(): Promise<void> {}
}
