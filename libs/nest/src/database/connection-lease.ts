import type { DataSource } from 'typeorm';
import { discardConnection, type RunnerInternals } from './discard-connection.js';

/** One statement's use of a connection, from waiting for it to giving it back. */
export interface Checkout {
  /** The connected runner once it is this statement's turn; null when the statement expired first (then nothing is sent). */
  connect(expired: () => boolean): Promise<RunnerInternals | null>;
  /** The statement ran out of time: cut its connection (when `cut`) and let the next statement go. */
  expire(reason: Error, cut: boolean): void;
  /** The statement's work ended: answered, failed, or given up after expiring. */
  done(failed: boolean): Promise<void>;
}

/** A connection for one statement alone, back to the pool when it ends: statements outside a request scope. */
export function ownCheckout(dataSource: DataSource): Checkout {
  const runner = dataSource.createQueryRunner() as RunnerInternals;
  return {
    async connect(expired) {
      await runner.connect();
      return expired() ? null : runner;
    },
    expire(reason, cut) {
      if (cut) discardConnection(runner, reason);
    },
    async done() {
      // Back to the pool; for a discarded connection this does nothing (it has left the pool).
      await runner.release().catch(() => undefined);
    },
  };
}

/**
 * One request's connection to one DataSource. The first statement takes a connection from the
 * pool; statements that follow it without a pause (the guard's session row, user, groups and
 * permissions; the handler's next ask) reuse it one after another, as Django uses one connection
 * per request. It goes back to the pool as soon as the request stops asking: once no statement is
 * waiting or running at the end of an event-loop turn (setImmediate), so a handler that awaits
 * other I/O, a password hash or a slow API never holds it, and no end-of-request hook is needed
 * for it to come back (aborted requests, errors, GraphQL and WebSocket work alike).
 * A statement that fails drops the connection (back to the pool, which knows whether it still
 * works); one that runs out of time cuts it, and the next statement waits for neither.
 */
export class ConnectionLease {
  private runner: RunnerInternals | undefined;
  private ready: Promise<unknown> = Promise.resolve();
  /** Settles when the last statement queued so far has had its turn. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private idle: NodeJS.Immediate | undefined;

  constructor(private readonly dataSource: DataSource) {}

  checkout(): Checkout {
    this.pending += 1;
    if (this.idle) clearImmediate(this.idle);
    this.idle = undefined;
    const previous = this.tail;
    let endTurn!: () => void;
    const turn = new Promise<void>((resolve) => (endTurn = resolve));
    // The next statement goes after this one and everything before it, whichever ends first.
    this.tail = previous.then(() => turn);
    let used: RunnerInternals | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      endTurn();
      this.pending -= 1;
      if (this.pending === 0) this.idle = setImmediate(() => this.releaseIdle());
    };
    return {
      connect: async (expired) => {
        await previous;
        if (expired()) return null;
        if (!this.runner) this.open();
        used = this.runner!;
        await this.ready;
        return expired() ? null : used;
      },
      expire: (reason, cut) => {
        if (used) {
          this.drop(used);
          if (cut) discardConnection(used, reason);
        }
        finish();
      },
      done: async (failed) => {
        if (used && failed) this.drop(used);
        // A connection this lease let go of (failed, expired, or superseded) goes back now.
        if (used && used !== this.runner) await used.release().catch(() => undefined);
        finish();
      },
    };
  }

  private open(): void {
    const runner = this.dataSource.createQueryRunner() as RunnerInternals;
    this.runner = runner;
    this.ready = runner.connect();
  }

  private drop(runner: RunnerInternals): void {
    if (this.runner === runner) this.runner = undefined;
  }

  private releaseIdle(): void {
    this.idle = undefined;
    if (this.pending > 0 || !this.runner) return;
    const runner = this.runner;
    this.runner = undefined;
    void runner.release().catch(() => undefined);
  }
}
