import { within } from '../errors/deadline.js';

/** What `retrying` gives up with: the last error, how many attempts were made, how long it took. */
export class RetriesExhausted extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'RetriesExhausted';
  }
}

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Wait before the first retry, doubled for each next one (capped at a quarter of the budget so later tries still fit). */
  retryDelay: number;
  /** Budget for everything, attempts and waits; an attempt still running when it ends counts as failed. */
  timeout: number;
}

class AttemptTimedOut extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Runs `operation` until it succeeds, the retries are spent or the time budget is. */
export async function retrying<T>(operation: () => Promise<T>, policy: RetryPolicy, clock: () => number = Date.now): Promise<T> {
  const started = clock();
  let delay = policy.retryDelay;
  for (let attempt = 1; ; attempt += 1) {
    const left = policy.timeout - (clock() - started);
    try {
      const ms = Math.max(left, 1);
      return await within(ms, () => new AttemptTimedOut(ms), operation());
    } catch (err) {
      const elapsed = clock() - started;
      const wait = Math.min(delay, Math.floor(policy.timeout / 4));
      if (attempt > policy.retries || elapsed + wait >= policy.timeout) throw new RetriesExhausted(err, attempt, elapsed);
      await sleep(wait);
      delay *= 2;
    }
  }
}
