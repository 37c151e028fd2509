import type { DataSource } from 'typeorm';
import { guardDatabase } from '../database/database-unavailable.js';
import { dateTimeSelect, dialectOf, fromDatabaseDateTime, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';
import type { DjangoUser } from './django-user.js';
import { resolveUserModel, type ResolvedUserModel, type UserModelOptions } from './user-model.js';

export interface TypeOrmUserStoreOptions extends Partial<DateTimeConvention> {
  userModel?: UserModelOptions;
}

/**
 * Reads and updates Django users, groups and permissions with ModelBackend's rules. Parameterised
 * SQL only; identifiers come from validated configuration, never from requests.
 */
export class TypeOrmUserStore {
  readonly model: ResolvedUserModel;
  private readonly dialect: DialectName;
  private readonly convention: DateTimeConvention;

  constructor(
    private readonly dataSource: DataSource,
    options: TypeOrmUserStoreOptions = {},
  ) {
    this.model = resolveUserModel(options.userModel);
    this.dialect = dialectOf(dataSource);
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
  }

  private q(name: string): string {
    return this.dataSource.driver.escape(name);
  }

  private p(n: number): string {
    return placeholder(this.dialect, n);
  }

  private async rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return guardDatabase(() => this.dataSource.query(sql, params));
  }

  private selectUser(where: string): string {
    const m = this.model;
    const cols = [m.pkColumn, 'password', 'last_login', m.usernameField, m.isActiveColumn, m.isStaffColumn, m.isSuperuserColumn, ...m.extraColumns].filter((c): c is string => !!c);
    const select = [...new Set(cols)].map((c) => (c === 'last_login' ? `${dateTimeSelect(this.dialect, this.q(c))} AS ${this.q(c)}` : this.q(c)));
    return `SELECT ${select.join(', ')} FROM ${this.q(m.table)} WHERE ${where}`;
  }

  private toUser(row: Record<string, unknown> | undefined): DjangoUser | null {
    if (!row) return null;
    const m = this.model;
    const flag = (column: string | null, fallback: boolean) => (column ? row[column] === true || row[column] === 1 || row[column] === '1' || row[column] === 't' : fallback);
    const rawId = row[m.pkColumn];
    const id = m.pkType === 'uuid' ? (this.parsePk(String(rawId)) ?? String(rawId)) : typeof rawId === 'string' && Number.isSafeInteger(Number(rawId)) ? Number(rawId) : (rawId as number | string);
    return {
      id,
      username: String(row[m.usernameField]),
      password: String(row.password ?? ''),
      isActive: flag(m.isActiveColumn, true),
      isStaff: flag(m.isStaffColumn, false),
      isSuperuser: flag(m.isSuperuserColumn, false),
      lastLogin: fromDatabaseDateTime(row.last_login, this.convention),
      fields: Object.fromEntries(m.extraColumns.map((c) => [c, row[c]])),
    };
  }

  /** Django's `pk.to_python` on a session's `_auth_user_id`: null when it cannot be a key of this model. */
  parsePk(value: unknown): number | string | null {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') return null;
    if (this.model.pkType === 'uuid') {
      const hex = text.replace(/-/g, '').toLowerCase();
      return /^[0-9a-f]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
    }
    if (!/^-?\d{1,19}$/.test(text.trim())) return null;
    const n = Number(text.trim());
    return Number.isSafeInteger(n) ? n : text.trim();
  }

  /** A key as this database stores it: Django keeps UUIDs as 32 hex characters outside PostgreSQL. */
  private pkParam(id: number | string): number | string {
    return this.model.pkType === 'uuid' && this.dialect !== 'postgres' ? String(id).replace(/-/g, '') : id;
  }

  async findById(id: number | string): Promise<DjangoUser | null> {
    const [row] = await this.rows(this.selectUser(`${this.q(this.model.pkColumn)} = ${this.p(1)}`), [this.pkParam(id)]);
    return this.toUser(row);
  }

  /** `get_by_natural_key`: exact match on USERNAME_FIELD (case rules are the database collation's, as in Django). */
  async findByUsername(username: string): Promise<DjangoUser | null> {
    const [row] = await this.rows(this.selectUser(`${this.q(this.model.usernameField)} = ${this.p(1)}`), [username]);
    return this.toUser(row);
  }

  async groupNames(user: DjangoUser): Promise<string[]> {
    if (!this.model.permissionsMixin) return [];
    const m = this.model;
    const rows = await this.rows(
      `SELECT g.${this.q('name')} AS name FROM ${this.q('auth_group')} g JOIN ${this.q(m.groupsTable)} ug ON ug.${this.q('group_id')} = g.${this.q('id')} WHERE ug.${this.q(m.m2mColumn)} = ${this.p(1)} ORDER BY g.${this.q('name')}`,
      [this.pkParam(user.id)],
    );
    return rows.map((r) => String(r.name));
  }

  /**
   * ModelBackend.get_all_permissions: "app_label.codename" of the user's own and group permissions;
   * every permission for an active superuser; none for an inactive user.
   */
  async allPermissions(user: DjangoUser): Promise<Set<string>> {
    if (!user.isActive || !this.model.permissionsMixin) return new Set();
    const m = this.model;
    const perm = `SELECT ct.${this.q('app_label')} AS app_label, p.${this.q('codename')} AS codename FROM ${this.q('auth_permission')} p JOIN ${this.q('django_content_type')} ct ON ct.${this.q('id')} = p.${this.q('content_type_id')}`;
    if (user.isSuperuser) return this.permissionSet(await this.rows(perm, []));
    const own = `${perm} JOIN ${this.q(m.permissionsTable)} up ON up.${this.q('permission_id')} = p.${this.q('id')} WHERE up.${this.q(m.m2mColumn)} = ${this.p(1)}`;
    const viaGroups = `${perm} JOIN ${this.q('auth_group_permissions')} gp ON gp.${this.q('permission_id')} = p.${this.q('id')} JOIN ${this.q(m.groupsTable)} ug ON ug.${this.q('group_id')} = gp.${this.q('group_id')} WHERE ug.${this.q(m.m2mColumn)} = ${this.p(1)}`;
    const [a, b] = await Promise.all([this.rows(own, [this.pkParam(user.id)]), this.rows(viaGroups, [this.pkParam(user.id)])]);
    return this.permissionSet([...a, ...b]);
  }

  private permissionSet(rows: Record<string, unknown>[]): Set<string> {
    return new Set(rows.map((r) => `${r.app_label}.${r.codename}`));
  }

  /** Writes only the password column (rehash on login, `set_password` + `save(update_fields=...)`). */
  async setPassword(user: DjangoUser, encoded: string): Promise<void> {
    await this.rows(`UPDATE ${this.q(this.model.table)} SET ${this.q('password')} = ${this.p(1)} WHERE ${this.q(this.model.pkColumn)} = ${this.p(2)}`, [encoded, this.pkParam(user.id)]);
    user.password = encoded;
  }

  /** Django's `update_last_login` receiver. */
  async updateLastLogin(user: DjangoUser, now = new Date()): Promise<void> {
    await this.rows(`UPDATE ${this.q(this.model.table)} SET ${this.q('last_login')} = ${this.p(1)} WHERE ${this.q(this.model.pkColumn)} = ${this.p(2)}`, [toDatabaseDateTime(this.dialect, now, this.convention), this.pkParam(user.id)]);
    user.lastLogin = now;
  }
}
