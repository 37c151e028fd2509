import type { DataSource } from 'typeorm';
import { DJANGO_MODELS, type DjangoModelRef } from '../routing/django-model.js';
import { DjangoDatabases } from '../routing/django-databases.js';
import { boundedQuery, DEFAULT_DATABASE_TIMEOUT } from '../database/bounded-query.js';
import { dateTimeSelect, dialectOf, fromDatabaseDateTime, placeholder, toDatabaseDateTime, type DateTimeConvention, type DialectName } from '../database/database-dialect.js';
import { DjangoUser } from './django-user.js';
import { parseUserPk } from './user-pk.js';
import { resolveUserModel, type ResolvedUserModel, type UserModelOptions } from './user-model.js';
import type { UserAuthorization } from './user-authorization.js';

export interface TypeOrmUserStoreOptions extends Partial<DateTimeConvention> {
  userModel?: UserModelOptions | ResolvedUserModel;
  /** Milliseconds each statement may take (DjangoBridgeModule's `databaseTimeout`); default 3000. */
  timeout?: number;
}

/** The database a statement runs on, chosen per call by the routers. */
interface Target {
  dataSource: DataSource;
  dialect: DialectName;
}

/** A boolean column as each driver returns it (true, 1, '1', 't'). */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/**
 * Reads and updates Django users, groups and permissions with ModelBackend's rules. Parameterised
 * SQL only; identifiers come from validated configuration, never from requests. Given
 * DjangoDatabases, reads and writes go where the routers send the user model (permission and group
 * queries join across auth tables, so they follow the user model too).
 */
export class TypeOrmUserStore {
  readonly model: ResolvedUserModel;
  private readonly databases: DjangoDatabases;
  private readonly modelRef: DjangoModelRef;
  private readonly convention: DateTimeConvention;
  private readonly timeout: number | undefined;

  constructor(
    dataSource: DataSource | DjangoDatabases,
    options: TypeOrmUserStoreOptions = {},
  ) {
    this.model = resolveUserModel(options.userModel);
    this.databases = dataSource instanceof DjangoDatabases ? dataSource : DjangoDatabases.single(dataSource);
    this.modelRef = this.model.table === 'auth_user' ? DJANGO_MODELS.user : { appLabel: this.model.appLabel, modelName: this.model.modelName };
    this.convention = { useTz: options.useTz ?? true, timeZone: options.timeZone ?? 'UTC' };
    this.timeout = options.timeout;
  }

  private target(access: 'read' | 'write'): Target {
    const dataSource = access === 'read' ? this.databases.forRead(this.modelRef) : this.databases.forWrite(this.modelRef);
    return { dataSource, dialect: dialectOf(dataSource) };
  }

  private q(t: Target, name: string): string {
    return t.dataSource.driver.escape(name);
  }

  private async rows(t: Target, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return (await boundedQuery(t.dataSource, sql, params, this.timeout ?? DEFAULT_DATABASE_TIMEOUT)).rows;
  }

  private selectUser(t: Target, where: string): string {
    const m = this.model;
    const cols = [m.pkColumn, 'password', 'last_login', m.usernameField, m.isActiveColumn, m.isStaffColumn, m.isSuperuserColumn, ...m.extraColumns, ...m.secretColumns].filter((c): c is string => !!c);
    const select = [...new Set(cols)].map((c) => (c === 'last_login' || m.dateTimeColumns.has(c) ? `${dateTimeSelect(t.dialect, this.q(t, c))} AS ${this.q(t, c)}` : this.q(t, c)));
    return `SELECT ${select.join(', ')} FROM ${this.q(t, m.table)} WHERE ${where}`;
  }

  private toUser(row: Record<string, unknown> | undefined): DjangoUser | null {
    if (!row) return null;
    const m = this.model;
    const flag = (column: string | null, fallback: boolean) => (column ? isTrue(row[column]) : fallback);
    const rawId = row[m.pkColumn];
    const id = m.pkType === 'uuid' ? (this.parsePk(String(rawId)) ?? String(rawId)) : typeof rawId === 'string' && Number.isSafeInteger(Number(rawId)) ? Number(rawId) : (rawId as number | string);
    const field = (c: string) => (m.dateTimeColumns.has(c) ? fromDatabaseDateTime(row[c], this.convention) : m.booleanColumns.has(c) ? (row[c] === null || row[c] === undefined ? null : isTrue(row[c])) : row[c]);
    return new DjangoUser(
      {
        id,
        username: String(row[m.usernameField]),
        isActive: flag(m.isActiveColumn, true),
        isStaff: flag(m.isStaffColumn, false),
        isSuperuser: flag(m.isSuperuserColumn, false),
        lastLogin: fromDatabaseDateTime(row.last_login, this.convention),
        fields: Object.fromEntries(m.extraColumns.map((c) => [c, field(c)])),
      },
      { password: String(row.password ?? ''), columns: Object.fromEntries(m.secretColumns.map((c) => [c, row[c]])) },
    );
  }

  /** Django's `pk.to_python` on a session's `_auth_user_id`: null when it cannot be a key of this model. */
  parsePk(value: unknown): number | string | null {
    return parseUserPk(value, this.model.pkType);
  }

  /** A key as this database stores it: Django keeps UUIDs as 32 hex characters outside PostgreSQL. */
  private pkParam(t: Target, id: number | string): number | string {
    return this.model.pkType === 'uuid' && t.dialect !== 'postgres' ? String(id).replace(/-/g, '') : id;
  }

  async findById(id: number | string): Promise<DjangoUser | null> {
    const t = this.target('read');
    const [row] = await this.rows(t, this.selectUser(t, `${this.q(t, this.model.pkColumn)} = ${placeholder(t.dialect, 1)}`), [this.pkParam(t, id)]);
    return this.toUser(row);
  }

  /** `get_by_natural_key`: exact match on USERNAME_FIELD (case rules are the database collation's, as in Django). */
  async findByUsername(username: string): Promise<DjangoUser | null> {
    const t = this.target('read');
    const [row] = await this.rows(t, this.selectUser(t, `${this.q(t, this.model.usernameField)} = ${placeholder(t.dialect, 1)}`), [username]);
    return this.toUser(row);
  }

  async groupNames(user: DjangoUser): Promise<string[]> {
    if (!this.model.permissionsMixin) return [];
    return (await this.groupsAndPermissionsOf(user, { groups: true, permissions: false })).groups;
  }

  /**
   * ModelBackend.get_all_permissions: "app_label.codename" of the user's own and group permissions;
   * every permission for an active superuser; none for an inactive user.
   */
  async allPermissions(user: DjangoUser): Promise<Set<string>> {
    if (!user.isActive || !this.model.permissionsMixin) return new Set();
    return (await this.groupsAndPermissionsOf(user, { groups: false, permissions: true })).permissions;
  }

  /** Both of the above in one statement (none when the model has no PermissionsMixin). */
  async groupsAndPermissions(user: DjangoUser): Promise<UserAuthorization> {
    if (!this.model.permissionsMixin) return { groups: [], permissions: new Set() };
    return this.groupsAndPermissionsOf(user, { groups: true, permissions: user.isActive });
  }

  /**
   * One statement for whichever of groups and permissions is asked: a UNION ALL of the group names
   * and the permission rows, each row tagged by kind. Each column holds one table's values and
   * NULL elsewhere, so no branch mixes two columns' types or collations (MySQL refuses a UNION
   * of differently collated columns). The parameter is repeated per branch: `?` cannot be reused.
   */
  private async groupsAndPermissionsOf(user: DjangoUser, want: { groups: boolean; permissions: boolean }): Promise<UserAuthorization> {
    const m = this.model;
    const t = this.target('read');
    const q = (name: string) => this.q(t, name);
    const pk = this.pkParam(t, user.id);
    const branches: string[] = [];
    const params: unknown[] = [];
    const next = () => {
      params.push(pk);
      return placeholder(t.dialect, params.length);
    };
    if (want.groups) {
      branches.push(`SELECT 'g' AS ${q('kind')}, g.${q('name')} AS ${q('name')}, NULL AS ${q('app_label')}, NULL AS ${q('codename')} FROM ${q('auth_group')} g JOIN ${q(m.groupsTable)} ug ON ug.${q('group_id')} = g.${q('id')} WHERE ug.${q(m.m2mColumn)} = ${next()}`);
    }
    if (want.permissions) {
      const perm = `SELECT 'p' AS ${q('kind')}, NULL AS ${q('name')}, ct.${q('app_label')} AS ${q('app_label')}, p.${q('codename')} AS ${q('codename')} FROM ${q('auth_permission')} p JOIN ${q('django_content_type')} ct ON ct.${q('id')} = p.${q('content_type_id')}`;
      if (user.isSuperuser) {
        branches.push(perm);
      } else {
        branches.push(`${perm} JOIN ${q(m.permissionsTable)} up ON up.${q('permission_id')} = p.${q('id')} WHERE up.${q(m.m2mColumn)} = ${next()}`);
        branches.push(`${perm} JOIN ${q('auth_group_permissions')} gp ON gp.${q('permission_id')} = p.${q('id')} JOIN ${q(m.groupsTable)} ug ON ug.${q('group_id')} = gp.${q('group_id')} WHERE ug.${q(m.m2mColumn)} = ${next()}`);
      }
    }
    const result: UserAuthorization = { groups: [], permissions: new Set() };
    if (!branches.length) return result;
    // Group names in the database's collation order, as `ORDER BY name` sorted them before.
    const rows = await this.rows(t, `${branches.join(' UNION ALL ')} ORDER BY ${q('kind')}, ${q('name')}`, params);
    for (const row of rows) {
      if (row.kind === 'g') result.groups.push(String(row.name));
      else result.permissions.add(`${row.app_label}.${row.codename}`);
    }
    return result;
  }

  /** Writes only the password column (rehash on login, `set_password` + `save(update_fields=...)`). */
  async setPassword(user: DjangoUser, encoded: string): Promise<void> {
    const t = this.target('write');
    const p = (n: number) => placeholder(t.dialect, n);
    await this.rows(t, `UPDATE ${this.q(t, this.model.table)} SET ${this.q(t, 'password')} = ${p(1)} WHERE ${this.q(t, this.model.pkColumn)} = ${p(2)}`, [encoded, this.pkParam(t, user.id)]);
    DjangoUser.setPasswordOf(user, encoded);
  }

  /** Django's `update_last_login` receiver. */
  async updateLastLogin(user: DjangoUser, now = new Date()): Promise<void> {
    const t = this.target('write');
    const p = (n: number) => placeholder(t.dialect, n);
    await this.rows(t, `UPDATE ${this.q(t, this.model.table)} SET ${this.q(t, 'last_login')} = ${p(1)} WHERE ${this.q(t, this.model.pkColumn)} = ${p(2)}`, [toDatabaseDateTime(t.dialect, now, this.convention), this.pkParam(t, user.id)]);
    user.lastLogin = now;
  }
}
