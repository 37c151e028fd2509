import { guardPgClientErrors } from './pg-client-errors.js';
import type { DataSource } from 'typeorm';

/** How a statement was let through: as usual, as the one probe of a stalled database, or not at all. */
export type StallEntry = 'normal' | 'probe' | 'refused';

/**
 * Whether a DataSource is stalled: one of its statements ran past its bound and none has been
 * answered since (a server that is paused, failing over or overloaded accepts connections and
 * then says nothing). While it is, one statement at a time is let through as a probe and the
 * others are refused at once, so a stall costs each request nothing rather than the whole bound,
 * and connections and timers do not pile up. Any answer, even an error, ends the stall: a server
 * that answers is not stalled, and one that refuses connections fails fast on its own.
 */
export class StallBreaker {
  private stalledAt: number | null = null;
  private probing = false;

  constructor(private readonly now: () => number = Date.now) {}

  get stalled(): boolean {
    return this.stalledAt !== null;
  }

  stalledForMs(): number {
    return this.stalledAt === null ? 0 : this.now() - this.stalledAt;
  }

  enter(): StallEntry {
    if (this.stalledAt === null) return 'normal';
    if (this.probing) return 'refused';
    this.probing = true;
    return 'probe';
  }

  /** The statement got an answer (rows or an error of the server's own). */
  answered(entry: StallEntry): void {
    if (entry === 'probe') this.probing = false;
    this.stalledAt = null;
  }

  /** It failed without an answer running out the clock (a refused or lost connection). */
  failed(entry: StallEntry): void {
    this.answered(entry);
  }

  timedOut(entry: StallEntry): void {
    if (entry === 'probe') this.probing = false;
    this.stalledAt ??= this.now();
  }
}

const breakers = new WeakMap<DataSource, StallBreaker>();

/** The breaker of one DataSource (each alias stalls on its own). */
export function stallOf(dataSource: DataSource): StallBreaker {
  let breaker = breakers.get(dataSource);
  if (!breaker) {
    breakers.set(dataSource, (breaker = new StallBreaker()));
    // The first statement the bridge sends on a DataSource: from here on its pools are the bridge's concern too.
    if (dataSource.options?.type === 'postgres') guardPgClientErrors(dataSource);
  }
  return breaker;
}
