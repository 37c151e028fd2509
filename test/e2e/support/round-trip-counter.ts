/**
 * Counts what a DataSource does for the bridge: statements sent, query runners created (each a pool
 * checkout in the bridge's code) and, on MySQL/MariaDB and PostgreSQL, the pool's own acquisitions;
 * and reads whether every connection the pool made is back in it (none leaked).
 */
import type { DataSource, QueryRunner } from 'typeorm';

export interface RoundTrips {
  statements: number;
  runners: number;
  /** Pool acquisitions (mysql2 'acquire', pg-pool 'acquire'); 0 on SQLite, which has no pool. */
  acquires: number;
}

interface Mysql2Pool {
  on(event: 'acquire', listener: () => void): void;
  _allConnections: { length: number };
  _freeConnections: { length: number };
}
interface PgPool {
  on(event: 'acquire', listener: () => void): void;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

function poolOf(dataSource: DataSource): Mysql2Pool | PgPool | undefined {
  const driver = dataSource.driver as unknown as { pool?: Mysql2Pool; master?: PgPool };
  return driver.pool ?? driver.master;
}

export class RoundTripCounter {
  private counts: RoundTrips = { statements: 0, runners: 0, acquires: 0 };
  private readonly wrapped = new WeakSet<QueryRunner>();

  constructor(readonly dataSource: DataSource) {
    const create = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (mode) => {
      const runner = create(mode);
      this.counts.runners += 1;
      if (!this.wrapped.has(runner)) {
        this.wrapped.add(runner);
        const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
        (runner as { query: unknown }).query = (...args: unknown[]) => {
          this.counts.statements += 1;
          return query(...args);
        };
      }
      return runner;
    };
    poolOf(dataSource)?.on('acquire', () => {
      this.counts.acquires += 1;
    });
  }

  /** The counts since the last take, reset. */
  take(): RoundTrips {
    const counts = this.counts;
    this.counts = { statements: 0, runners: 0, acquires: 0 };
    return counts;
  }

  /** Connections the pool made and how many are idle in it (equal when none is checked out). */
  pool(): { total: number; free: number } | null {
    const pool = poolOf(this.dataSource);
    if (!pool) return null;
    if ('totalCount' in pool) return { total: pool.totalCount, free: pool.idleCount };
    return { total: pool._allConnections.length, free: pool._freeConnections.length };
  }
}
