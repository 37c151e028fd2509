import { BadSignature, SuspiciousSession } from '@django-bridge/core';
import { Logger } from '@nestjs/common';

/** Signature failures in a row before the one warning: a few forged or stale cookies never reach it. */
export const SECRET_KEY_WARNING_THRESHOLD = 20;

const logger = new Logger('DjangoBridge');

/** Whether a session decode failed on its signature (not on the bytes behind a valid one). */
export function isSignatureFailure(err: unknown): boolean {
  return err instanceof BadSignature || (err instanceof SuspiciousSession && err.cause instanceof BadSignature);
}

/**
 * Notices a wrong `secretKey`. With the wrong key every session Django wrote fails its signature
 * and every session auth hash mismatches, which per request looks like ordinary logged-out
 * visitors. So the bridge counts signature failures in a row: the first `threshold` of them log
 * ONE warning naming the settings; any signature that verifies resets the count (so a warning
 * means nothing verified in between). Provided by DjangoBridgeModule (threshold:
 * `startupChecks.secretKeyWarningAfter`, 0 for never); any code may report to it.
 */
export class SecretKeyMonitor {
  private streak = 0;

  constructor(readonly threshold = SECRET_KEY_WARNING_THRESHOLD) {
    if (!Number.isSafeInteger(threshold) || threshold < 0) throw new RangeError(`SecretKeyMonitor threshold must be a whole number (0 or more), not ${threshold}`);
  }

  /** A signature made with none of secretKey/secretKeyFallbacks (session data or `_auth_user_hash`). */
  failed(what: 'session data' | 'session auth hash'): void {
    this.streak += 1;
    if (this.threshold > 0 && this.streak === this.threshold) {
      logger.warn(`${this.threshold} ${what === 'session data' ? 'sessions' : 'session auth hashes'} in a row failed their signature check: is "secretKey" the Django SECRET_KEY of the site (and "secretKeyFallbacks" its SECRET_KEY_FALLBACKS)?`);
    }
  }

  /** A signature that verified: the key is right. */
  verified(): void {
    this.streak = 0;
  }

  /** Failures since the last success (for tests and health checks). */
  get failuresInARow(): number {
    return this.streak;
  }
}
