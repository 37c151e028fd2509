import { SessionCodec, type DecodeSessionDataOptions, type ExpiringSessionBackend, type SessionDict, type SessionExpiry } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import { DJANGO_MODELS } from '../routing/django-model.js';
import { DjangoDatabases } from '../routing/django-databases.js';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { boundedQuery, DEFAULT_DATABASE_TIMEOUT, type BoundedResult } from '../database/bounded-query.js';
import { dateTimeSelect, dialectOf, fromDatabaseDateTime, isDuplicateKeyError, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';

export interface TypeOrmSessionStoreOptions extends Partial<DateTimeConvention> {
  /**
   * How `session_data` is encoded: SessionBase.encode/decode with the site's SECRET_KEY and
   * serializer (a SessionCodec, or its options). Required to read and write sessions; a store
   * used only for clearExpired needs none.
   */
  codec?: SessionCodec | DecodeSessionDataOptions;
  /** Django's session table; default `django_session`. */
  tableName?: string;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
  /**
   * Milliseconds each statement may take, from asking the pool for a connection to the last row
   * (DjangoBridgeModule's `databaseTimeout`); default DEFAULT_DATABASE_TIMEOUT (3000).
   */
  timeout?: number;
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
export class TypeOrmSessionStore implements ExpiringSessionBackend {
  private readonly databases: DjangoDatabases;
  private readonly convention: DateTimeConvention;
  private readonly sessionCodec: SessionCodec | undefined;

  constructor(
    dataSource: DataSource | DjangoDatabases,
    private readonly options: TypeOrmSessionStoreOptions = {},
  ) {
    this.databases = dataSource instanceof DjangoDatabases ? dataSource : DjangoDatabases.single(dataSource);
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
    const codec = options.codec;
    this.sessionCodec = codec === undefined || codec instanceof SessionCodec ? codec : new SessionCodec(codec);
  }

  private get codec(): SessionCodec {
    if (!this.sessionCodec) throw new Error('TypeOrmSessionStore needs the "codec" option to read or write sessions');
    return this.sessionCodec;
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

  /** Runs a statement within the store's bound and returns the affected-row count (DML) or the rows (SELECT). */
  private run(t: Target, sql: string, params: unknown[], bounded = true): Promise<BoundedResult> {
    return boundedQuery(t.dataSource, sql, params, bounded ? (this.options.timeout ?? DEFAULT_DATABASE_TIMEOUT) : null);
  }

  /** The encoded `session_data` of a live row and its `expire_date`, or null. */
  async loadRow(sessionKey: string): Promise<{ sessionData: string; expireDate: Date } | null> {
    const t = this.target('read');
    const p = (n: number) => placeholder(t.dialect, n);
    const { rows } = await this.run(t, `SELECT session_data, ${dateTimeSelect(t.dialect, 'expire_date')} AS expire_date FROM ${t.table} WHERE session_key = ${p(1)} AND expire_date > ${p(2)}`, [sessionKey, this.nowParam(t)]);
    const data = rows[0]?.session_data;
    const sessionData = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : null;
    // A row whose expiry cannot be read is no session (fail closed; the drivers always give one).
    const expireDate = fromDatabaseDateTime(rows[0]?.expire_date, this.convention);
    return sessionData === null || expireDate === null ? null : { sessionData, expireDate };
  }

  async loadWithExpiry(sessionKey: string): Promise<{ session: SessionDict; expireDate: Date } | null> {
    const row = await this.loadRow(sessionKey);
    return row && { session: this.codec.decode(row.sessionData), expireDate: row.expireDate };
  }

  async load(sessionKey: string): Promise<SessionDict | null> {
    return (await this.loadWithExpiry(sessionKey))?.session ?? null;
  }

  async exists(sessionKey: string): Promise<boolean> {
    return this.existsIn(this.target('read'), sessionKey);
  }

  private async existsIn(t: Target, sessionKey: string): Promise<boolean> {
    const { rows } = await this.run(t, `SELECT 1 AS found FROM ${t.table} WHERE session_key = ${placeholder(t.dialect, 1)}`, [sessionKey]);
    return rows.length > 0;
  }

  async create(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return (await this.createRow(sessionKey, this.codec.encode(session), expiry.expireDate)) ? sessionKey : null;
  }

  async update(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return (await this.updateRow(sessionKey, this.codec.encode(session), expiry.expireDate)) ? sessionKey : null;
  }

  /** Inserts an encoded row; false when the key is taken. */
  async createRow(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
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

  /** Rewrites an encoded row; false when it vanished. */
  async updateRow(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean> {
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
    // Maintenance (clearsessions), not a request: a large table may take longer than any request bound.
    const { affected } = await this.run(t, `DELETE FROM ${t.table} WHERE expire_date < ${placeholder(t.dialect, 1)}`, [this.nowParam(t)], false);
    return affected;
  }
}
