/**
 * How a deadline fails: the name of what was waited for (the error then says "<what> did not answer
 * within <ms> ms"), or a factory for the error the caller's contract promises (CacheUnavailable...).
 * The factory runs when the time is up and may also cut the work (drop its socket): its error still
 * wins, because the deadline rejects before anything the cut makes the work do can reach it.
 */
export type Expiry = string | (() => Error);

function expiryError(expiry: Expiry, ms: number): unknown {
  if (typeof expiry === 'string') return new Error(`${expiry} did not answer within ${ms} ms`);
  try {
    return expiry();
  } catch (err) {
    // Thrown from a timer it would be an uncaught exception: it is the rejection instead.
    return err;
  }
}

/**
 * Settles as `work` (a promise, or a function that starts one) does, or rejects with the expiry's
 * error once `ms` have passed first: a database, cache or store that accepts a connection and never
 * replies must not hang its caller. Nothing here can cancel the work, so a late result is dropped
 * (and a late rejection is handled, never an unhandled rejection). The timer is cleared on settling
 * and unref'd meanwhile, so a pending deadline never keeps a process that is shutting down alive.
 */
export function within<T>(ms: number, expiry: Expiry, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(expiryError(expiry, ms)), ms);
    timer.unref?.();
    // A function is started in a reaction, so that a synchronous throw becomes a rejection too.
    (typeof work === 'function' ? Promise.resolve().then(work) : Promise.resolve(work))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}
