import type { DataSource } from 'typeorm';
import { boundedQuery, DEFAULT_DATABASE_TIMEOUT } from '../database/bounded-query.js';
import { dateTimeSelect, dialectOf, fromDatabaseDateTime, isDuplicateKeyError, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DjangoDatabases } from '../routing/django-databases.js';
import type { DjangoModelRef } from '../routing/django-model.js';
import { parseUserPk, type UserPkType } from '../users/user-pk.js';
import { isPossibleDrfTokenKey } from './drf-token-key.js';
import { DrfTokenStore, type DrfToken } from './drf-token-store.js';

/** DRF's Token model as the routers see it. */
export const DRF_TOKEN_MODEL: DjangoModelRef = { appLabel: 'authtoken', modelName: 'token' };

/** DRF's table name. */
export const DRF_TOKEN_TABLE = 'authtoken_token';

export interface TypeOrmDrfTokenStoreOptions extends Partial<DateTimeConvention> {
  /** The token table; default `authtoken_token`. */
  table?: string;
  /** How `user_id` is stored: the user model's pkType (int, bigint or uuid); default int. */
  userPkType?: UserPkType;
  /** Milliseconds each statement may take (the bridge's `databaseTimeout`); default 3000. */
  timeout?: number;
}

interface Target {
  dataSource: DataSource;
  dialect: DialectName;
  table: string;
  q: (name: string) => string;
  p: (n: number) => string;
}

/**
 * `authtoken_token` on MySQL/MariaDB, PostgreSQL and SQLite, read and written as DRF's Token model
 * is: `key` varchar(40) primary key, `created` datetime (the database's convention, see
 * toDatabaseDateTime), `user_id` unique. Given DjangoDatabases, statements go where the routers
 * send the `authtoken.token` model. Parameterised SQL; each statement bounded by `timeout`.
 */
export class TypeOrmDrfTokenStore extends DrfTokenStore {
  private readonly databases: DjangoDatabases;
  private readonly convention: DateTimeConvention;
  private readonly table: string;
  private readonly pkType: UserPkType;
  private readonly timeout: number;

  constructor(dataSource: DataSource | DjangoDatabases, options: TypeOrmDrfTokenStoreOptions = {}) {
    super();
    this.databases = dataSource instanceof DjangoDatabases ? dataSource : DjangoDatabases.single(dataSource);
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
    this.table = options.table ?? DRF_TOKEN_TABLE;
    this.pkType = options.userPkType ?? 'int';
    this.timeout = options.timeout ?? DEFAULT_DATABASE_TIMEOUT;
  }

  private target(access: 'read' | 'write'): Target {
    const dataSource = access === 'read' ? this.databases.forRead(DRF_TOKEN_MODEL) : this.databases.forWrite(DRF_TOKEN_MODEL);
    const dialect = dialectOf(dataSource);
    const q = (name: string) => dataSource.driver.escape(name);
    return { dataSource, dialect, table: q(this.table), q, p: (n) => placeholder(dialect, n) };
  }

  private async run(t: Target, sql: string, params: unknown[]) {
    return boundedQuery(t.dataSource, sql, params, this.timeout);
  }

  /** A user key as this database stores it: Django keeps UUIDs as 32 hex characters outside PostgreSQL. */
  private userParam(t: Target, userId: number | string): number | string {
    return this.pkType === 'uuid' && t.dialect !== 'postgres' ? String(userId).replace(/-/g, '') : userId;
  }

  private select(t: Target, where: string): string {
    const { q } = t;
    return `SELECT ${q('key')}, ${dateTimeSelect(t.dialect, q('created'))} AS ${q('created')}, ${q('user_id')} FROM ${t.table} WHERE ${where}`;
  }

  /** A row as a token; null for one that cannot be read (fail closed: never a token without an owner or date). */
  private toToken(row: Record<string, unknown> | undefined): DrfToken | null {
    if (!row) return null;
    const userId = parseUserPk(row.user_id, this.pkType);
    const created = fromDatabaseDateTime(row.created, this.convention);
    return typeof row.key === 'string' && userId !== null && created !== null ? { key: row.key, userId, created } : null;
  }

  async findByKey(key: string): Promise<DrfToken | null> {
    if (!isPossibleDrfTokenKey(key)) return null;
    const t = this.target('read');
    const { rows } = await this.run(t, this.select(t, `${t.q('key')} = ${t.p(1)}`), [key]);
    return this.toToken(rows[0]);
  }

  async findByUser(userId: number | string, access: 'read' | 'write' = 'read'): Promise<DrfToken | null> {
    const t = this.target(access);
    const { rows } = await this.run(t, this.select(t, `${t.q('user_id')} = ${t.p(1)}`), [this.userParam(t, userId)]);
    return this.toToken(rows[0]);
  }

  async insert(token: DrfToken): Promise<boolean> {
    const t = this.target('write');
    const { q, p } = t;
    try {
      await this.run(t, `INSERT INTO ${t.table} (${q('key')}, ${q('created')}, ${q('user_id')}) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [token.key, toDatabaseDateTime(t.dialect, token.created, this.convention), this.userParam(t, token.userId)]);
      return true;
    } catch (err) {
      if (err instanceof DjangoDatabaseUnavailable && isDuplicateKeyError(err.cause)) return false;
      throw err;
    }
  }

  /**
   * Delete-then-create as one statement, so no reader ever sees the user without a token or with
   * two, and no transaction has to span round trips: an upsert on the unique `user_id` that sets
   * both the new key and the new `created`.
   */
  async replace(token: DrfToken): Promise<void> {
    const t = this.target('write');
    const { q, p } = t;
    const created = toDatabaseDateTime(t.dialect, token.created, this.convention);
    const insert = `INSERT INTO ${t.table} (${q('key')}, ${q('created')}, ${q('user_id')}) VALUES (${p(1)}, ${p(2)}, ${p(3)})`;
    const params: unknown[] = [token.key, created, this.userParam(t, token.userId)];
    if (t.dialect === 'mysql') {
      // VALUES() in ON DUPLICATE KEY UPDATE is deprecated on MySQL 8.0.20+; the values are repeated instead.
      await this.run(t, `${insert} ON DUPLICATE KEY UPDATE ${q('key')} = ?, ${q('created')} = ?`, [...params, token.key, created]);
    } else {
      await this.run(t, `${insert} ON CONFLICT (${q('user_id')}) DO UPDATE SET ${q('key')} = excluded.${q('key')}, ${q('created')} = excluded.${q('created')}`, params);
    }
  }

  async deleteForUser(userId: number | string): Promise<number> {
    const t = this.target('write');
    return (await this.run(t, `DELETE FROM ${t.table} WHERE ${t.q('user_id')} = ${t.p(1)}`, [this.userParam(t, userId)])).affected;
  }

  async deleteKey(key: string): Promise<number> {
    if (!isPossibleDrfTokenKey(key)) return 0;
    const t = this.target('write');
    return (await this.run(t, `DELETE FROM ${t.table} WHERE ${t.q('key')} = ${t.p(1)}`, [key])).affected;
  }
}
