import type { DataSource } from 'typeorm';

const guarded = new WeakSet<object>();
const ignore = () => undefined;

interface EventPool {
  on?(event: 'connect', listener: (client: { on(event: 'error', listener: () => void): unknown }) => void): unknown;
}

/**
 * Keeps a PostgreSQL server crash from killing the process. pg-pool hands a new client over without
 * an 'error' listener, and TypeORM adds its own one microtask later: a "terminating connection"
 * error that arrives in the same socket read as the handshake's end falls in between, and an
 * 'error' event with no listener is thrown. A listener added on 'connect' (before the hand-over)
 * closes that window; the failure still reaches the query, which fails and is answered 503.
 */
export function guardPgClientErrors(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { master?: EventPool; slaves?: EventPool[] };
  for (const pool of [driver.master, ...(driver.slaves ?? [])]) {
    if (!pool || typeof pool !== 'object' || guarded.has(pool) || typeof pool.on !== 'function') continue;
    guarded.add(pool);
    pool.on('connect', (client) => client.on('error', ignore));
  }
}
