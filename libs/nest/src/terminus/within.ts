/**
 * Races a probe against a timer: a health check must answer even when the database or cache
 * accepts connections and then never replies (a paused server, a black-holed route).
 */
export function within<T>(ms: number, what: string, probe: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    // A pending probe must not keep a process that is shutting down alive.
    timer.unref?.();
  });
  // The probe is started inside the race so a synchronous throw becomes a rejection too.
  return Promise.race([Promise.resolve().then(probe), expired]).finally(() => clearTimeout(timer));
}

/**
 * A probe timeout: a positive whole number of milliseconds, or the reason it is not one (a typo must
 * not mean "wait forever"). The reason is reported as the check being down, so /health says what is
 * wrong instead of answering 500.
 */
export function probeTimeout(value: unknown, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) return `DjangoHealthIndicator: timeout must be a positive whole number of milliseconds, not ${String(value)}`;
  return value as number;
}
