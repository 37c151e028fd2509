import type { QueryRunner } from 'typeorm';

/** The driver's connection behind a query runner, as far as the bridge needs to cut it. */
interface DriverConnection {
  destroy?: () => void;
  on?: (event: string, listener: (...args: unknown[]) => void) => void;
  /** mysql2 */
  stream?: { destroy?: () => void };
  /** pg */
  connection?: { stream?: { destroy?: () => void } };
}

export type RunnerInternals = QueryRunner & {
  databaseConnection?: DriverConnection;
  releasePostgresConnection?: (err?: Error) => Promise<void>;
};

/**
 * Takes a connection out of its pool for good and closes its socket at once: a server that stopped
 * answering may answer this connection's statement later, and the pool must never hand it out
 * again in between. The socket is destroyed, not ended, because a stopped server never
 * acknowledges an orderly close. Errors the dying socket raises are expected and swallowed.
 * A runner not connected yet has nothing to cut: its connection goes back unused when it arrives.
 */
export function discardConnection(runner: RunnerInternals, reason: Error): void {
  const conn = runner.databaseConnection;
  if (!conn) return;
  conn.on?.('error', () => undefined);
  if (typeof runner.releasePostgresConnection === 'function') {
    // pg: releasing with an error makes pg-pool drop the client instead of reusing it.
    void runner.releasePostgresConnection(reason).catch(() => undefined);
    conn.connection?.stream?.destroy?.();
  } else {
    // mysql2: destroy() leaves the pool; it only half-closes the socket, so cut that too.
    conn.destroy?.();
    conn.stream?.destroy?.();
  }
}
