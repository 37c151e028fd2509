/**
 * A request's statements on one DataSource share one connection (RequestConnections +
 * ConnectionLease, through boundedQuery), over a fake driver that records what reaches it: one
 * checkout for back-to-back statements, one statement at a time on it, back to the pool at the end
 * of the event-loop turn, and fresh connections after a failure or a timeout, which the next
 * statement never waits behind. The real pools are in test/e2e/round-trips.e2e.spec.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { boundedQuery } from './bounded-query.js';
import { DjangoDatabaseUnavailable } from './database-unavailable.js';
import { RequestConnections } from './request-connections.js';

interface FakeRunner {
  id: number;
  connected: boolean;
  released: boolean;
  destroyed: boolean;
  queries: string[];
}

/** A DataSource whose statements answer at once, fail (sql "fail") or hang until `unhang()` (sql "hang"). */
function fakeDataSource() {
  const runners: FakeRunner[] = [];
  let running = 0;
  let maxRunning = 0;
  const hung: Array<() => void> = [];
  const dataSource = {
    options: { type: 'mysql' },
    createQueryRunner() {
      const state: FakeRunner = { id: runners.length + 1, connected: false, released: false, destroyed: false, queries: [] };
      runners.push(state);
      return {
        databaseConnection: undefined as unknown,
        async connect() {
          state.connected = true;
          this.databaseConnection = { destroy: () => (state.destroyed = true), on: () => undefined };
        },
        async query(sql: string) {
          if (state.released) throw new Error('query on a released runner');
          state.queries.push(sql);
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          try {
            if (sql === 'hang') await new Promise<void>((resolve) => hung.push(resolve));
            if (sql === 'fail') throw new Error('server said no');
            return { records: [{ sql }], affected: 0 };
          } finally {
            running -= 1;
          }
        },
        async release() {
          state.released = true;
        },
      };
    },
  } as unknown as DataSource;
  return { dataSource, runners, maxRunning: () => maxRunning, unhang: () => hung.splice(0).forEach((f) => f()) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('a request\'s connection (RequestConnections)', () => {
  it('gives back-to-back statements one connection and returns it when the request stops asking', async () => {
    const db = fakeDataSource();
    await RequestConnections.run(async () => {
      await boundedQuery(db.dataSource, 'session', []);
      await boundedQuery(db.dataSource, 'user', []);
      await boundedQuery(db.dataSource, 'permissions', []);
      expect(db.runners).toHaveLength(1);
      expect(db.runners[0]).toMatchObject({ queries: ['session', 'user', 'permissions'], released: false });
      await turn();
      expect(db.runners[0].released).toBe(true);
      // A later statement of the same request takes a connection again.
      await boundedQuery(db.dataSource, 'save', []);
      expect(db.runners).toHaveLength(2);
    });
    await turn();
    expect(db.runners.every((r) => r.released)).toBe(true);
  });

  it('runs parallel statements of one request one after another on its connection', async () => {
    const db = fakeDataSource();
    const rows = await RequestConnections.run(() => Promise.all(['a', 'b', 'c', 'd'].map((sql) => boundedQuery(db.dataSource, sql, []))));
    expect(rows.map((r) => r.rows[0].sql)).toEqual(['a', 'b', 'c', 'd']);
    expect(db.runners).toHaveLength(1);
    expect(db.maxRunning()).toBe(1);
  });

  it('keeps requests apart, and statements outside a request take a connection each', async () => {
    const db = fakeDataSource();
    await Promise.all([1, 2, 3].map(() => RequestConnections.run(async () => {
      await boundedQuery(db.dataSource, 'x', []);
      await boundedQuery(db.dataSource, 'y', []);
    })));
    expect(db.runners).toHaveLength(3);
    await boundedQuery(db.dataSource, 'outside', []);
    await boundedQuery(db.dataSource, 'outside', []);
    expect(db.runners).toHaveLength(5);
    expect(db.runners.slice(3).every((r) => r.released)).toBe(true);
  });

  it('drops a connection whose statement failed; the next statement takes a fresh one', async () => {
    const db = fakeDataSource();
    await RequestConnections.run(async () => {
      await boundedQuery(db.dataSource, 'ok', []);
      await expect(boundedQuery(db.dataSource, 'fail', [])).rejects.toBeInstanceOf(DjangoDatabaseUnavailable);
      expect(db.runners[0].released).toBe(true);
      await boundedQuery(db.dataSource, 'ok again', []);
      expect(db.runners).toHaveLength(2);
    });
  });

  it('cuts a connection that ran out of time; queued statements neither wait for it nor use it', async () => {
    const db = fakeDataSource();
    await RequestConnections.run(async () => {
      const slow = boundedQuery(db.dataSource, 'hang', [], 50);
      const next = boundedQuery(db.dataSource, 'next', [], 1_000);
      const late = boundedQuery(db.dataSource, 'never sent', [], 20);
      await expect(slow).rejects.toBeInstanceOf(DjangoDatabaseUnavailable);
      await expect(late).rejects.toBeInstanceOf(DjangoDatabaseUnavailable);
      expect((await next).rows[0].sql).toBe('next');
      expect(db.runners[0]).toMatchObject({ destroyed: true, queries: ['hang'] });
      expect(db.runners[1].queries).toEqual(['next']);
      expect(db.runners.flatMap((r) => r.queries)).not.toContain('never sent');
      db.unhang();
      await turn();
      await turn();
      expect(db.runners.every((r) => r.released)).toBe(true);
    });
  });
});
