import { instantToWallTime, wallTimeToInstant } from '@django-bridge/core';
import type { DataSource } from 'typeorm';

/** The three database families Django's schema is shared on. */
export type DialectName = 'mysql' | 'postgres' | 'sqlite';

export interface DateTimeConvention {
  /** USE_TZ: naive columns hold UTC (true) or wall time in `timeZone` (false). */
  useTz: boolean;
  /** TIME_ZONE, for USE_TZ = False sites. */
  timeZone: string;
}

export function dialectOf(dataSource: DataSource): DialectName {
  const type = dataSource.options.type;
  if (type === 'mysql' || type === 'mariadb' || type === 'aurora-mysql') return 'mysql';
  if (type === 'postgres' || type === 'aurora-postgres') return 'postgres';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new Error(`django-bridge supports MySQL/MariaDB, PostgreSQL and SQLite DataSources, not "${type}"`);
}

/** Positional placeholder n (1-based) in the dialect's syntax. */
export function placeholder(dialect: DialectName, n: number): string {
  return dialect === 'postgres' ? `$${n}` : '?';
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * An instant as Django stores it in this database. PostgreSQL (timestamptz) takes the instant
 * itself. MySQL datetime(6) and SQLite text hold naive wall time (UTC with USE_TZ, else TIME_ZONE),
 * written as Django writes it: `YYYY-MM-DD HH:MM:SS[.ffffff]`, the fraction only when non-zero,
 * because SQLite compares this text byte by byte.
 */
export function toDatabaseDateTime(dialect: DialectName, instant: Date, convention: DateTimeConvention): Date | string {
  if (dialect === 'postgres') return instant;
  const wall = new Date(convention.useTz ? instant.getTime() : instantToWallTime(convention.timeZone, instant.getTime()));
  const base = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  const ms = wall.getUTCMilliseconds();
  return ms ? `${base}.${pad(ms, 3)}000` : base;
}

/** Whether a driver error is a unique/primary-key violation (Django's IntegrityError on insert). */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = (err as { driverError?: { code?: string; errno?: number } })?.driverError ?? (err as { code?: string; errno?: number });
  return e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || e?.code === '23505' || (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * A SELECT expression that returns a datetime column as text on MySQL (whose driver would otherwise
 * apply the process time zone to a naive value); the column itself elsewhere.
 */
export function dateTimeSelect(dialect: DialectName, quotedColumn: string): string {
  return dialect === 'mysql' ? `DATE_FORMAT(${quotedColumn}, '%Y-%m-%d %H:%i:%s.%f')` : quotedColumn;
}

/** Reads what {@link toDatabaseDateTime} wrote (or Django did) back into an instant. */
export function fromDatabaseDateTime(value: unknown, convention: DateTimeConvention): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(String(value));
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Math.floor(Number((m[7] ?? '0').padEnd(6, '0')) / 1000));
  if (m[8]) return new Date(String(value).replace(' ', 'T'));
  return new Date(convention.useTz ? wall : wallTimeToInstant(convention.timeZone, wall));
}
