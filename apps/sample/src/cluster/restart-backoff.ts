/**
 * How long the cluster waits before replacing a worker that died. Doubling per crash in a row keeps
 * a worker that dies at once (its database down, say) from being forked in a tight loop; a worker
 * that had stayed up for `stableMs` resets the count, so a rare crash is replaced almost at once.
 */
export class RestartBackoff {
  private crashes = 0;

  constructor(
    readonly initialMs = 1_000,
    readonly maxMs = 30_000,
    readonly stableMs = 30_000,
  ) {
    if (!(initialMs > 0 && maxMs >= initialMs && stableMs >= 0)) throw new RangeError(`RestartBackoff needs 0 < initialMs <= maxMs and stableMs >= 0`);
  }

  /** The delay before replacing a worker that ran for `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.stableMs) this.crashes = 0;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.crashes);
    this.crashes += 1;
    return delay;
  }
}
