import type { DataSource } from 'typeorm';
import { DjangoDatabaseUnavailable } from './database-unavailable.js';
import { dialectOf } from './database-dialect.js';
import { RequestConnections } from './request-connections.js';
import { stallOf } from './stall-breaker.js';

/**
 * Default bound on one statement, in milliseconds. A Django session or user lookup is a primary-key
 * read that a healthy server answers in well under 50 ms even when loaded; 3 s is far above that,
 * below the 5-30 s after which proxies and users give up, and short enough that a stalled server
 * becomes a 503 while the request is still worth answering.
 */
export const DEFAULT_DATABASE_TIMEOUT = 3_000;

/** What a statement returned: the rows of a SELECT, the affected-row count of DML. */
export interface BoundedResult {
  rows: Record<string, unknown>[];
  affected: number;
}

function rowsOf(result: { records?: unknown; raw?: unknown }): Record<string, unknown>[] {
  return Array.isArray(result.records) ? result.records : Array.isArray(result.raw) ? result.raw : [];
}

/**
 * Runs one statement on a DataSource within `timeoutMs`, from asking the pool for a connection to
 * the last row. Past the bound it rejects with DjangoDatabaseUnavailable (a 503) and:
 * - a statement already sent: its connection is destroyed, so no later request waits behind it;
 * - a connection not obtained yet: the statement is never sent, and the connection, when the pool
 *   hands it over, goes straight back unused (a write answered 503 never lands afterwards).
 * While a DataSource is stalled (a statement timed out and none has succeeded since), one statement
 * at a time goes through as a probe and the others fail at once (see stall-breaker.ts): requests do
 * not pile up for the bound each, and the probe's answer ends the stall as soon as the server is back.
 * Within a request scope (RequestConnections) the statements of one request share one connection,
 * one after another, and each keeps this bound, counted from its call (waiting for its turn included).
 * SQLite statements are synchronous in this process and cannot be overtaken: their bound is the
 * DataSource's busy `timeout`. `timeoutMs: null` sets no bound (bulk maintenance such as clearsessions).
 */
export async function boundedQuery(dataSource: DataSource, sql: string, params: unknown[], timeoutMs: number | null = DEFAULT_DATABASE_TIMEOUT): Promise<BoundedResult> {
  const stall = stallOf(dataSource);
  const entry = stall.enter();
  if (entry === 'refused') throw new DjangoDatabaseUnavailable(new Error(`the database is not answering (a statement timed out ${stall.stalledForMs()} ms ago; one probe is in flight)`));
  // Inside a request, the request's connection (taken on its first statement); else one of its own.
  const checkout = RequestConnections.checkout(dataSource);
  const cuttable = dialectOf(dataSource) !== 'sqlite';
  let expired = false;
  let failed = false;
  const work = (async () => {
    try {
      const runner = await checkout.connect(() => expired);
      if (!runner) return null;
      const result = await runner.query(sql, params, true);
      return { rows: rowsOf(result), affected: result.affected ?? 0 };
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      await checkout.done(failed);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (timeoutMs === null) return;
    timer = setTimeout(() => {
      expired = true;
      const reason = new Error(`no answer within ${timeoutMs} ms`);
      checkout.expire(reason, cuttable);
      stall.timedOut(entry);
      reject(new DjangoDatabaseUnavailable(reason));
    }, timeoutMs);
    timer.unref?.();
  });
  try {
    const result = (await Promise.race([work, deadline])) as BoundedResult;
    stall.answered(entry);
    return result;
  } catch (err) {
    if (!expired) stall.failed(entry);
    throw err instanceof DjangoDatabaseUnavailable ? err : new DjangoDatabaseUnavailable(err);
  } finally {
    clearTimeout(timer);
    // The loser of the race must not surface as an unhandled rejection.
    work.catch(() => undefined);
  }
}
