import type { DataSource } from 'typeorm';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DJANGO_MODELS, type DjangoModelRef } from '../routing/django-model.js';
import { DRF_TOKEN_MODEL } from '../drf-token/typeorm-drf-token.store.js';

/** A table of Django's that the bridge reads, with the columns it selects and who needs it. */
export interface DjangoTable {
  model: DjangoModelRef;
  table: string;
  columns: string[];
  /** The option that makes the bridge read it, for the error message. */
  neededBy: string;
  /** Whether the bridge also writes it (then the write database is checked too). */
  written: boolean;
}

/**
 * The tables the configured stores will query: django_session for the db and cached_db engines,
 * the user model's table and (with PermissionsMixin) the auth tables for the default user store.
 * A userStore of the application's own and the cache/signed_cookies engines need none.
 */
export function requiredTables(o: ResolvedBridgeOptions): DjangoTable[] {
  const tables: DjangoTable[] = [];
  if (o.sessionEngine === 'db' || o.sessionEngine === 'cached_db') {
    tables.push({ model: DJANGO_MODELS.session, table: 'django_session', columns: ['session_key', 'session_data', 'expire_date'], neededBy: `sessionEngine '${o.sessionEngine}'`, written: true });
  }
  if (o.userStore === null) {
    const m = o.userModel;
    // The user store routes its auth queries as the user model, so they all go where the users are.
    const model: DjangoModelRef = { appLabel: m.appLabel, modelName: m.modelName };
    const userColumns = [m.pkColumn, 'password', 'last_login', m.usernameField, m.isActiveColumn, m.isStaffColumn, m.isSuperuserColumn, ...m.extraColumns, ...m.secretColumns].filter((c): c is string => !!c);
    tables.push({ model, table: m.table, columns: [...new Set(userColumns)], neededBy: 'userModel', written: true });
    if (m.permissionsMixin) {
      const read = (table: string, columns: string[]) => tables.push({ model, table, columns, neededBy: 'userModel (PermissionsMixin)', written: false });
      read(m.groupsTable, [m.m2mColumn, 'group_id']);
      read(m.permissionsTable, [m.m2mColumn, 'permission_id']);
      read('auth_group', ['id', 'name']);
      read('auth_permission', ['id', 'codename', 'content_type_id']);
      read('auth_group_permissions', ['group_id', 'permission_id']);
      read('django_content_type', ['id', 'app_label']);
    }
  }
  if (o.authentication.includes('token') && !o.drfToken.store) {
    tables.push({ model: DRF_TOKEN_MODEL, table: o.drfToken.table, columns: ['key', 'created', 'user_id'], neededBy: "authentication 'token' (rest_framework.authtoken)", written: true });
  }
  return tables;
}

export type TableProblem = { kind: 'missing-table' } | { kind: 'missing-column'; detail: string } | { kind: 'other'; detail: string };

function driverError(err: unknown): { code?: string; errno?: number; message?: string } {
  const e = err as { driverError?: { code?: string; errno?: number; message?: string }; code?: string; errno?: number; message?: string };
  return e?.driverError ?? e ?? {};
}

/** Reads the driver's answer: PostgreSQL SQLSTATE, MySQL/MariaDB error codes, SQLite messages. */
export function classifyTableError(err: unknown): TableProblem {
  const e = driverError(err);
  // SQLite's hint about double quotes would only confuse: the bridge quotes identifiers on purpose.
  const message = String(e.message ?? (err as Error)?.message ?? err).replace(/ - should this be a string literal in single-quotes\?$/, '');
  if (e.code === '42P01' || e.code === 'ER_NO_SUCH_TABLE' || e.errno === 1146 || /no such table/i.test(message)) return { kind: 'missing-table' };
  if (e.code === '42703' || e.code === 'ER_BAD_FIELD_ERROR' || e.errno === 1054 || /no such column/i.test(message)) return { kind: 'missing-column', detail: message };
  return { kind: 'other', detail: message };
}

/**
 * One cheap query: the columns the bridge selects, no rows (LIMIT 0 works on SQLite, MySQL/MariaDB
 * and PostgreSQL). Null when it works, else what is wrong; it also proves the SELECT privilege.
 */
export async function checkTable(dataSource: DataSource, table: DjangoTable): Promise<TableProblem | null> {
  const q = (name: string) => dataSource.driver.escape(name);
  try {
    await dataSource.query(`SELECT ${table.columns.map(q).join(', ')} FROM ${q(table.table)} LIMIT 0`);
    return null;
  } catch (err) {
    return classifyTableError(err);
  }
}
