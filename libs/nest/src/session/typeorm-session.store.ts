import type { SessionBackend } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import { DJANGO_MODELS } from '../routing/django-model.js';
import { DjangoDatabases } from '../routing/django-databases.js';
import { DjangoDatabaseUnavailable, guardDatabase } from '../database/database-unavailable.js';
import { dialectOf, isDuplicateKeyError, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';

export interface TypeOrmSessionStoreOptions extends Partial<DateTimeConvention> {
  /** Django's session table; default `django_session`. */
  tableName?: string;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

/** One chosen database: its DataSource, SQL dialect and the escaped table name. */
interface Target {
  dataSource: DataSource;
  dialect: DialectName;
  table: string;
}

/**
 * Django's `sessions.backends.db` storage over a TypeORM DataSource, on MySQL/MariaDB, PostgreSQL
 * and SQLite. Every statement is parameterised; `expire_date` follows the database's convention
 * (see toDatabaseDateTime), so rows written here and by Django are interchangeable. Given
 * DjangoDatabases, each read and write goes where the routers send the `sessions.session` model.
 */
export class TypeOrmSessionStore implements SessionBackend {
  private readonly databases: DjangoDatabases;
  private readonly convention: DateTimeConvention;

  constructor(
    dataSource: DataSource | DjangoDatabases,
    private readonly options: TypeOrmSessionStoreOptions = {},
  ) {
    this.databases = dataSource instanceof DjangoDatabases ? dataSource : DjangoDatabases.single(dataSource);
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
  }

  /** Django's db_for_read / db_for_write for the session model. */
  private target(access: 'read' | 'write'): Target {
    const model = DJANGO_MODELS.session;
    const dataSource = access === 'read' ? this.databases.forRead(model) : this.databases.forWrite(model);
    return { dataSource, dialect: dialectOf(dataSource), table: dataSource.driver.escape(this.options.tableName ?? 'django_session') };
  }

  private nowParam(t: Target): Date | string {
    return toDatabaseDateTime(t.dialect, new Date(this.options.now?.() ?? Date.now()), this.convention);
  }

  private expireParam(t: Target, expireDate: Date): Date | string {
    return toDatabaseDateTime(t.dialect, expireDate, this.convention);
  }

  /** Runs a statement and returns the affected-row count (DML) or the rows (SELECT). */
  private async run(t: Target, sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
    return guardDatabase(async () => {
      const runner = t.dataSource.createQueryRunner();
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
    const t = this.target('read');
    const p = (n: number) => placeholder(t.dialect, n);
    const { rows } = await this.run(t, `SELECT session_data FROM ${t.table} WHERE session_key = ${p(1)} AND expire_date > ${p(2)}`, [sessionKey, this.nowParam(t)]);
    const data = rows[0]?.session_data;
    return typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : null;
  }

  async exists(sessionKey: string): Promise<boolean> {
    return this.existsIn(this.target('read'), sessionKey);
  }

  private async existsIn(t: Target, sessionKey: string): Promise<boolean> {
    const { rows } = await this.run(t, `SELECT 1 AS found FROM ${t.table} WHERE session_key = ${placeholder(t.dialect, 1)}`, [sessionKey]);
    return rows.length > 0;
  }

  async create(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
    const t = this.target('write');
    const p = (n: number) => placeholder(t.dialect, n);
    try {
      await this.run(t, `INSERT INTO ${t.table} (session_key, session_data, expire_date) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [sessionKey, sessionData, this.expireParam(t, expireDate)]);
      return true;
    } catch (err) {
      if (err instanceof DjangoDatabaseUnavailable && isDuplicateKeyError(err.cause)) return false;
      throw err;
    }
  }

  async update(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
    const t = this.target('write');
    const p = (n: number) => placeholder(t.dialect, n);
    const { affected } = await this.run(t, `UPDATE ${t.table} SET session_data = ${p(1)}, expire_date = ${p(2)} WHERE session_key = ${p(3)}`, [sessionData, this.expireParam(t, expireDate), sessionKey]);
    if (affected > 0) return true;
    // MySQL reports 0 affected rows when the new values equal the old ones; the row still exists
    // (asked of the database just written, not a replica that may lag).
    return t.dialect === 'mysql' ? this.existsIn(t, sessionKey) : false;
  }

  async delete(sessionKey: string): Promise<void> {
    const t = this.target('write');
    await this.run(t, `DELETE FROM ${t.table} WHERE session_key = ${placeholder(t.dialect, 1)}`, [sessionKey]);
  }

  async clearExpired(): Promise<number> {
    const t = this.target('write');
    const { affected } = await this.run(t, `DELETE FROM ${t.table} WHERE expire_date < ${placeholder(t.dialect, 1)}`, [this.nowParam(t)]);
    return affected;
  }
}
