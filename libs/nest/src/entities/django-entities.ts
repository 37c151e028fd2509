import { EntitySchema } from 'typeorm';
import { resolveUserModel, type UserModelOptions } from '../users/user-model.js';

/** Row shapes of Django's tables, as TypeORM entities (never synchronised: Django owns the schema). */
export interface DjangoSessionRow {
  session_key: string;
  session_data: string;
  expire_date: Date;
}
export interface DjangoContentTypeRow {
  id: number;
  app_label: string;
  model: string;
}
export interface AuthPermissionRow {
  id: number;
  name: string;
  content_type_id: number;
  codename: string;
}
export interface AuthGroupRow {
  id: number;
  name: string;
}
export interface AuthUserRow {
  id: number | string;
  password: string;
  last_login: Date | null;
  [column: string]: unknown;
}

const id = { type: 'int', primary: true, generated: 'increment' } as const;

export const DjangoSessionEntity = new EntitySchema<DjangoSessionRow>({
  name: 'DjangoSession',
  tableName: 'django_session',
  synchronize: false,
  columns: {
    session_key: { type: 'varchar', length: 40, primary: true },
    session_data: { type: 'text' },
    expire_date: { type: Date },
  },
});

export const DjangoContentTypeEntity = new EntitySchema<DjangoContentTypeRow>({
  name: 'DjangoContentType',
  tableName: 'django_content_type',
  synchronize: false,
  columns: { id, app_label: { type: 'varchar', length: 100 }, model: { type: 'varchar', length: 100 } },
});

export const AuthPermissionEntity = new EntitySchema<AuthPermissionRow>({
  name: 'AuthPermission',
  tableName: 'auth_permission',
  synchronize: false,
  columns: { id, name: { type: 'varchar', length: 255 }, content_type_id: { type: 'int' }, codename: { type: 'varchar', length: 100 } },
});

export const AuthGroupEntity = new EntitySchema<AuthGroupRow>({
  name: 'AuthGroup',
  tableName: 'auth_group',
  synchronize: false,
  columns: { id, name: { type: 'varchar', length: 150 } },
});

export const AuthGroupPermissionsEntity = new EntitySchema<{ id: number; group_id: number; permission_id: number }>({
  name: 'AuthGroupPermissions',
  tableName: 'auth_group_permissions',
  synchronize: false,
  columns: { id, group_id: { type: 'int' }, permission_id: { type: 'int' } },
});

/**
 * The user table and its two join tables, for `auth.User` or a custom AUTH_USER_MODEL
 * (`<app>_<model>`, `<table>_groups.<model>_id`, ...), as described by `userModel`.
 */
export function createUserEntities(userModel: UserModelOptions = {}) {
  const m = resolveUserModel(userModel);
  const pkType = m.pkType === 'uuid' ? 'uuid' : m.pkType === 'bigint' ? 'bigint' : 'int';
  const columns: Record<string, object> = {
    [m.pkColumn]: { type: pkType, primary: true, ...(m.pkType === 'uuid' ? {} : { generated: 'increment' }) },
    password: { type: 'varchar', length: 128 },
    last_login: { type: Date, nullable: true },
    [m.usernameField]: { type: 'varchar', length: 254 },
  };
  for (const column of [m.isActiveColumn, m.isStaffColumn, m.isSuperuserColumn]) if (column) columns[column] = { type: 'boolean' };
  for (const column of m.extraColumns) columns[column] = { type: 'varchar', nullable: true };
  const user = new EntitySchema<AuthUserRow>({ name: 'AuthUser', tableName: m.table, synchronize: false, columns: columns as never });
  const fk = m.m2mColumn;
  const groups = new EntitySchema({ name: 'AuthUserGroups', tableName: m.groupsTable, synchronize: false, columns: { id, [fk]: { type: pkType }, group_id: { type: 'int' } } as never });
  const permissions = new EntitySchema({ name: 'AuthUserUserPermissions', tableName: m.permissionsTable, synchronize: false, columns: { id, [fk]: { type: pkType }, permission_id: { type: 'int' } } as never });
  return { user, groups, permissions };
}

/** Every Django table the bridge reads, for a DataSource's `entities`. */
export function djangoEntities(userModel: UserModelOptions = {}): EntitySchema<any>[] {
  const { user, groups, permissions } = createUserEntities(userModel);
  return [DjangoSessionEntity, DjangoContentTypeEntity, AuthPermissionEntity, AuthGroupEntity, AuthGroupPermissionsEntity, user, groups, permissions];
}
