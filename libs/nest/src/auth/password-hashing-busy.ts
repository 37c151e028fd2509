/** Why a password hash was refused: the queue was full, or the hash waited too long for a slot. */
export type PasswordHashingBusyReason = 'queue-full' | 'queue-timeout';

/**
 * Too many password hashes at once: the hashing queue is full, or a queued hash waited longer than
 * `queueTimeout`. Nothing was hashed, so no login decision was made; the bridge answers 503 with
 * `Retry-After` (the server is overloaded, the client did nothing wrong), never a 401 that would
 * look like a wrong password.
 */
export class PasswordHashingBusy extends Error {
  constructor(
    readonly reason: PasswordHashingBusyReason,
    /** Whole seconds after which a retry will likely get a slot (at least 1). */
    readonly retryAfter: number,
  ) {
    super(reason === 'queue-full' ? 'Too many password hashes queued' : 'A password hash waited too long for a slot');
    this.name = 'PasswordHashingBusy';
  }
}
