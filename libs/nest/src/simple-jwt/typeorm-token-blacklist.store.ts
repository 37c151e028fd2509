import type { DataSource } from 'typeorm';
import { boundedQuery, DEFAULT_DATABASE_TIMEOUT } from '../database/bounded-query.js';
import { dateTimeSelect, dialectOf, fromDatabaseDateTime, isDuplicateKeyError, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DjangoDatabases } from '../routing/django-databases.js';
import type { DjangoModelRef } from '../routing/django-model.js';
import { parseUserPk, type UserPkType } from '../users/user-pk.js';
import { TokenBlacklistStore, type NewOutstandingToken, type OutstandingToken } from './token-blacklist-store.js';

/** SimpleJWT's blacklist models as the routers see them. */
export const OUTSTANDING_TOKEN_MODEL: DjangoModelRef = { appLabel: 'token_blacklist', modelName: 'outstandingtoken' };
export const BLACKLISTED_TOKEN_MODEL: DjangoModelRef = { appLabel: 'token_blacklist', modelName: 'blacklistedtoken' };

export const OUTSTANDING_TOKEN_TABLE = 'token_blacklist_outstandingtoken';
export const BLACKLISTED_TOKEN_TABLE = 'token_blacklist_blacklistedtoken';

export interface TypeOrmTokenBlacklistStoreOptions extends Partial<DateTimeConvention> {
  /** How `user_id` is stored: the user model's pkType; default int. */
  userPkType?: UserPkType;
  /** Milliseconds each statement may take (the bridge's `databaseTimeout`); default 3000. */
  timeout?: number;
}

interface Target {
  dataSource: DataSource;
  dialect: DialectName;
  q: (name: string) => string;
  p: (n: number) => string;
}

/**
 * token_blacklist_outstandingtoken and token_blacklist_blacklistedtoken on MySQL/MariaDB,
 * PostgreSQL and SQLite, as SimpleJWT's models hold them: outstanding (id bigint, user_id null,
 * jti varchar(255) unique, token text, created_at null, expires_at), blacklisted (id bigint,
 * token_id unique, blacklisted_at). Statements go where the routers send each model; every one is
 * parameterised and bounded by `timeout`. The duplicate-key answers of the unique columns make
 * get_or_create safe against a Django process doing the same at the same moment.
 */
export class TypeOrmTokenBlacklistStore extends TokenBlacklistStore {
  private readonly databases: DjangoDatabases;
  private readonly convention: DateTimeConvention;
  private readonly pkType: UserPkType;
  private readonly timeout: number;

  constructor(dataSource: DataSource | DjangoDatabases, options: TypeOrmTokenBlacklistStoreOptions = {}) {
    super();
    this.databases = dataSource instanceof DjangoDatabases ? dataSource : DjangoDatabases.single(dataSource);
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
    this.pkType = options.userPkType ?? 'int';
    this.timeout = options.timeout ?? DEFAULT_DATABASE_TIMEOUT;
  }

  private target(model: DjangoModelRef, access: 'read' | 'write'): Target {
    const dataSource = access === 'read' ? this.databases.forRead(model) : this.databases.forWrite(model);
    const dialect = dialectOf(dataSource);
    return { dataSource, dialect, q: (name) => dataSource.driver.escape(name), p: (n) => placeholder(dialect, n) };
  }

  private async run(t: Target, sql: string, params: unknown[]) {
    return boundedQuery(t.dataSource, sql, params, this.timeout);
  }

  private userParam(t: Target, userId: number | string): number | string {
    return this.pkType === 'uuid' && t.dialect !== 'postgres' ? String(userId).replace(/-/g, '') : userId;
  }

  private toRow(row: Record<string, unknown> | undefined): OutstandingToken | null {
    if (!row) return null;
    const expiresAt = fromDatabaseDateTime(row.expires_at, this.convention);
    const id = row.id;
    if (typeof row.jti !== 'string' || expiresAt === null || (typeof id !== 'number' && typeof id !== 'string' && typeof id !== 'bigint')) return null;
    return {
      id: typeof id === 'bigint' ? String(id) : (id as number | string),
      userId: row.user_id === null || row.user_id === undefined ? null : parseUserPk(row.user_id, this.pkType),
      jti: row.jti,
      token: String(row.token ?? ''),
      createdAt: fromDatabaseDateTime(row.created_at, this.convention),
      expiresAt,
    };
  }

  async findByJti(jti: string, access: 'read' | 'write' = 'read'): Promise<OutstandingToken | null> {
    const t = this.target(OUTSTANDING_TOKEN_MODEL, access);
    const { q } = t;
    const sql = `SELECT ${q('id')}, ${q('user_id')}, ${q('jti')}, ${q('token')}, ${dateTimeSelect(t.dialect, q('created_at'))} AS ${q('created_at')}, ${dateTimeSelect(t.dialect, q('expires_at'))} AS ${q('expires_at')} FROM ${q(OUTSTANDING_TOKEN_TABLE)} WHERE ${q('jti')} = ${t.p(1)}`;
    const { rows } = await this.run(t, sql, [jti]);
    return this.toRow(rows[0]);
  }

  private async insert(row: NewOutstandingToken): Promise<void> {
    const t = this.target(OUTSTANDING_TOKEN_MODEL, 'write');
    const { q, p } = t;
    const at = (d: Date | null) => (d === null ? null : toDatabaseDateTime(t.dialect, d, this.convention));
    await this.run(
      t,
      `INSERT INTO ${q(OUTSTANDING_TOKEN_TABLE)} (${q('user_id')}, ${q('jti')}, ${q('token')}, ${q('created_at')}, ${q('expires_at')}) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
      [row.userId === null ? null : this.userParam(t, row.userId), row.jti, row.token, at(row.createdAt), at(row.expiresAt)],
    );
  }

  async create(row: NewOutstandingToken): Promise<OutstandingToken> {
    await this.insert(row);
    const saved = await this.findByJti(row.jti, 'write');
    if (!saved) throw new DjangoDatabaseUnavailable(new Error(`the outstanding token ${row.jti} was not found after its insert`));
    return saved;
  }

  async getOrCreate(row: NewOutstandingToken): Promise<OutstandingToken> {
    const found = await this.findByJti(row.jti, 'write');
    if (found) return found;
    try {
      await this.insert(row);
    } catch (err) {
      // Another process created it in between: get_or_create's IntegrityError path, then the get.
      if (!(err instanceof DjangoDatabaseUnavailable && isDuplicateKeyError(err.cause))) throw err;
    }
    const saved = await this.findByJti(row.jti, 'write');
    if (!saved) throw new DjangoDatabaseUnavailable(new Error(`the outstanding token ${row.jti} was not found after its insert`));
    return saved;
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    // The join runs where the blacklist model is read from (Django's token__jti join follows BlacklistedToken).
    const t = this.target(BLACKLISTED_TOKEN_MODEL, 'read');
    const { q } = t;
    const { rows } = await this.run(t, `SELECT 1 AS ${q('hit')} FROM ${q(BLACKLISTED_TOKEN_TABLE)} b JOIN ${q(OUTSTANDING_TOKEN_TABLE)} o ON o.${q('id')} = b.${q('token_id')} WHERE o.${q('jti')} = ${t.p(1)}`, [jti]);
    return rows.length > 0;
  }

  async blacklist(outstanding: OutstandingToken, at = new Date()): Promise<boolean> {
    const t = this.target(BLACKLISTED_TOKEN_MODEL, 'write');
    const { q, p } = t;
    const { rows } = await this.run(t, `SELECT ${q('id')} FROM ${q(BLACKLISTED_TOKEN_TABLE)} WHERE ${q('token_id')} = ${p(1)}`, [outstanding.id]);
    if (rows.length) return false;
    try {
      await this.run(t, `INSERT INTO ${q(BLACKLISTED_TOKEN_TABLE)} (${q('token_id')}, ${q('blacklisted_at')}) VALUES (${p(1)}, ${p(2)})`, [outstanding.id, toDatabaseDateTime(t.dialect, at, this.convention)]);
      return true;
    } catch (err) {
      if (err instanceof DjangoDatabaseUnavailable && isDuplicateKeyError(err.cause)) return false;
      throw err;
    }
  }
}
