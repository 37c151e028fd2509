import type { SessionBackend } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import { DjangoDatabaseUnavailable, guardDatabase } from '../database/database-unavailable.js';
import { dialectOf, isDuplicateKeyError, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';

export interface TypeOrmSessionStoreOptions extends Partial<DateTimeConvention> {
  /** Django's session table; default `django_session`. */
  tableName?: string;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

/**
 * Django's `sessions.backends.db` storage over a TypeORM DataSource, on MySQL/MariaDB, PostgreSQL
 * and SQLite. Every statement is parameterised; `expire_date` follows the database's convention
 * (see toDatabaseDateTime), so rows written here and by Django are interchangeable.
 */
export class TypeOrmSessionStore implements SessionBackend {
  private readonly dialect: DialectName;
  private readonly table: string;
  private readonly convention: DateTimeConvention;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: TypeOrmSessionStoreOptions = {},
  ) {
    this.dialect = dialectOf(dataSource);
    this.table = dataSource.driver.escape(options.tableName ?? 'django_session');
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
  }

  private p(n: number): string {
    return placeholder(this.dialect, n);
  }

  private nowParam(): Date | string {
    return toDatabaseDateTime(this.dialect, new Date(this.options.now?.() ?? Date.now()), this.convention);
  }

  private expireParam(expireDate: Date): Date | string {
    return toDatabaseDateTime(this.dialect, expireDate, this.convention);
  }

  /** Runs a statement and returns the affected-row count (DML) or the rows (SELECT). */
  private async run(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
    return guardDatabase(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const result = await runner.query(sql, params, true);
        const raw = result.raw;
        return { rows: Array.isArray(result.records) ? result.records : Array.isArray(raw) ? raw : [], affected: result.affected ?? 0 };
      } finally {
        await runner.release();
      }
    });
  }

  async load(sessionKey: string): Promise<string | null> {
    const { rows } = await this.run(`SELECT session_data FROM ${this.table} WHERE session_key = ${this.p(1)} AND expire_date > ${this.p(2)}`, [sessionKey, this.nowParam()]);
    const data = rows[0]?.session_data;
    return typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : null;
  }

  async exists(sessionKey: string): Promise<boolean> {
    const { rows } = await this.run(`SELECT 1 AS found FROM ${this.table} WHERE session_key = ${this.p(1)}`, [sessionKey]);
    return rows.length > 0;
  }

  async create(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
    try {
      await this.run(`INSERT INTO ${this.table} (session_key, session_data, expire_date) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)})`, [sessionKey, sessionData, this.expireParam(expireDate)]);
      return true;
    } catch (err) {
      if (err instanceof DjangoDatabaseUnavailable && isDuplicateKeyError(err.cause)) return false;
      throw err;
    }
  }

  async update(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
    const { affected } = await this.run(`UPDATE ${this.table} SET session_data = ${this.p(1)}, expire_date = ${this.p(2)} WHERE session_key = ${this.p(3)}`, [sessionData, this.expireParam(expireDate), sessionKey]);
    if (affected > 0) return true;
    // MySQL reports 0 affected rows when the new values equal the old ones; the row still exists.
    return this.dialect === 'mysql' ? this.exists(sessionKey) : false;
  }

  async delete(sessionKey: string): Promise<void> {
    await this.run(`DELETE FROM ${this.table} WHERE session_key = ${this.p(1)}`, [sessionKey]);
  }

  async clearExpired(): Promise<number> {
    const { affected } = await this.run(`DELETE FROM ${this.table} WHERE expire_date < ${this.p(1)}`, [this.nowParam()]);
    return affected;
  }
}
