import { ImproperlyConfigured } from '@django-bridge/core';

/**
 * How the site's AUTH_USER_MODEL is stored. Defaults describe `django.contrib.auth.models.User`.
 * A custom model `accounts.Member` lives in `accounts_member`, with join tables
 * `accounts_member_groups` / `accounts_member_user_permissions` and FK column `member_id`.
 */
export interface UserModelOptions {
  /** AUTH_USER_MODEL as "app_label.ModelName", for database routers; default from the table name ("auth.User" for auth_user). */
  model?: string;
  /** Table name; default `auth_user`. */
  table?: string;
  /** Primary key column; default `id`. */
  pkColumn?: string;
  /** int (AutoField, default), bigint (BigAutoField) or uuid. */
  pkType?: 'int' | 'bigint' | 'uuid';
  /** USERNAME_FIELD column; default `username` (often `email` on custom models). */
  usernameField?: string;
  /** is_active column, or null when the model has none (then every user is active). */
  isActiveColumn?: string | null;
  /** is_staff column, or null. */
  isStaffColumn?: string | null;
  /** is_superuser column, or null (a model without PermissionsMixin). */
  isSuperuserColumn?: string | null;
  /** Whether the model has groups and permissions (PermissionsMixin); default true. */
  permissionsMixin?: boolean;
  /** Join table user-group; default `<table>_groups`. */
  groupsTable?: string;
  /** Join table user-permission; default `<table>_user_permissions`. */
  permissionsTable?: string;
  /** FK column in both join tables; default `<model name>_id` (`user_id` for auth_user; set it when the app label has an underscore). */
  m2mColumn?: string;
  /** Other columns to load onto the user; default first_name, last_name, email, date_joined for auth_user, none otherwise. */
  extraColumns?: string[];
  /** Which of extraColumns are DateTimeFields, read as `Date` on every database; default date_joined for auth_user. */
  dateTimeColumns?: string[];
  /** Which of extraColumns are BooleanFields, read as `boolean` on every database (MySQL and SQLite store 0/1). */
  booleanColumns?: string[];
  /**
   * Columns to load but never show (API keys, OTP secrets): kept out of the user object and its JSON,
   * readable through DjangoAuthService.secretColumn(user, name). The password is always one.
   */
  secretColumns?: string[];
}

export type ResolvedUserModel = Required<Omit<UserModelOptions, 'isActiveColumn' | 'isStaffColumn' | 'isSuperuserColumn' | 'model' | 'dateTimeColumns' | 'booleanColumns'>> & {
  dateTimeColumns: ReadonlySet<string>;
  booleanColumns: ReadonlySet<string>;
  /** `_meta.app_label` and `_meta.model_name` of the model, as routers see them. */
  appLabel: string;
  modelName: string;
  isActiveColumn: string | null;
  isStaffColumn: string | null;
  isSuperuserColumn: string | null;
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function identifier(option: string, value: string): string {
  if (!IDENTIFIER.test(value)) throw new ImproperlyConfigured(`userModel.${option} "${value}" is not a valid column or table name`);
  return value;
}

/** The model's app label and lower-cased name: from `model` when given, else guessed from `<app>_<model>`. */
function modelLabel(model: string | undefined, table: string): [string, string] {
  if (model === undefined) return table === 'auth_user' ? ['auth', 'user'] : [table.slice(0, Math.max(table.indexOf('_'), 0)) || table, table.slice(table.indexOf('_') + 1)];
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(model);
  if (!match) throw new ImproperlyConfigured(`userModel.model "${model}" must look like "app_label.ModelName"`);
  return [match[1], match[2].toLowerCase()];
}

/** Fills the defaults and checks every name; an already resolved model is returned as it is. */
export function resolveUserModel(given: UserModelOptions | ResolvedUserModel = {}): ResolvedUserModel {
  if (given.dateTimeColumns instanceof Set) return given as ResolvedUserModel;
  const options = given as UserModelOptions;
  const table = identifier('table', options.table ?? 'auth_user');
  const modelName = table === 'auth_user' ? 'user' : table.slice(table.indexOf('_') + 1);
  const [appLabel, className] = modelLabel(options.model, table);
  const pkType = options.pkType ?? 'int';
  if (!['int', 'bigint', 'uuid'].includes(pkType)) throw new ImproperlyConfigured(`userModel.pkType must be int, bigint or uuid, got "${pkType}"`);
  const opt = (name: 'isActiveColumn' | 'isStaffColumn' | 'isSuperuserColumn', fallback: string) => {
    const value = options[name] === undefined ? fallback : options[name];
    return value === null ? null : identifier(name, value);
  };
  const extraColumns = (options.extraColumns ?? (table === 'auth_user' ? ['first_name', 'last_name', 'email', 'date_joined'] : [])).map((c) => identifier('extraColumns', c));
  const subset = (name: 'dateTimeColumns' | 'booleanColumns', columns: string[]) =>
    columns.map((c) => {
      if (!extraColumns.includes(c)) throw new ImproperlyConfigured(`userModel.${name} "${c}" is not one of extraColumns`);
      return c;
    });
  return {
    appLabel,
    modelName: className,
    table,
    pkColumn: identifier('pkColumn', options.pkColumn ?? 'id'),
    pkType,
    usernameField: identifier('usernameField', options.usernameField ?? 'username'),
    isActiveColumn: opt('isActiveColumn', 'is_active'),
    isStaffColumn: opt('isStaffColumn', 'is_staff'),
    isSuperuserColumn: opt('isSuperuserColumn', 'is_superuser'),
    permissionsMixin: options.permissionsMixin ?? true,
    groupsTable: identifier('groupsTable', options.groupsTable ?? `${table}_groups`),
    permissionsTable: identifier('permissionsTable', options.permissionsTable ?? `${table}_user_permissions`),
    m2mColumn: identifier('m2mColumn', options.m2mColumn ?? `${modelName}_id`),
    extraColumns,
    dateTimeColumns: new Set(subset('dateTimeColumns', options.dateTimeColumns ?? (table === 'auth_user' ? ['date_joined'] : []))),
    booleanColumns: new Set(subset('booleanColumns', options.booleanColumns ?? [])),
    secretColumns: (options.secretColumns ?? []).map((c) => identifier('secretColumns', c)),
  };
}
