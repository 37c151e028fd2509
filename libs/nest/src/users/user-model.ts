import { ImproperlyConfigured } from '@django-bridge/core';

/**
 * How the site's AUTH_USER_MODEL is stored. Defaults describe `django.contrib.auth.models.User`.
 * A custom model `accounts.Member` lives in `accounts_member`, with join tables
 * `accounts_member_groups` / `accounts_member_user_permissions` and FK column `member_id`.
 * Names follow Django: the table is `<app_label>_<model_name>` unless Meta.db_table says otherwise,
 * the join tables are `<table>_groups` / `<table>_user_permissions`, and their user column is
 * named after the model (`<model_name>_id`), never after the table: `people.Person` with
 * `db_table = 'people'` joins through `people_groups.person_id`.
 */
export interface UserModelOptions {
  /**
   * AUTH_USER_MODEL as "app_label.ModelName": names the join column and the app label routers see.
   * Default guessed from the table (`auth_user` -> auth.User, `accounts_member` -> accounts.Member);
   * give it when the app label has an underscore or the model sets Meta.db_table.
   */
  model?: string;
  /** Table name; default `<app_label>_<model_name>` of `model`, else `auth_user`. */
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
  /** User column in both join tables; default `<model_name>_id` as Django names it (`user_id` for auth.User). */
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

/** `_meta.app_label` and `_meta.model_name` from "app_label.ModelName". */
function parseModel(model: string): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(model);
  if (!match) throw new ImproperlyConfigured(`userModel.model "${model}" must look like "app_label.ModelName"`);
  return [match[1], match[2].toLowerCase()];
}

/** Without `model`, the table is read as Django's default `<app_label>_<model_name>` (ambiguous when the label has an underscore). */
function guessModel(table: string): [string, string] {
  if (table === 'auth_user') return ['auth', 'user'];
  const cut = table.indexOf('_');
  return cut > 0 ? [table.slice(0, cut), table.slice(cut + 1)] : [table, table];
}

/** A resolved model carries its label and Sets; resolving it again must change nothing. */
function isResolved(given: UserModelOptions | ResolvedUserModel): given is ResolvedUserModel {
  return 'appLabel' in given && 'modelName' in given && given.dateTimeColumns instanceof Set && given.booleanColumns instanceof Set;
}

/** Fills the defaults and checks every name; idempotent: an already resolved model is returned as it is. */
export function resolveUserModel(given: UserModelOptions | ResolvedUserModel = {}): ResolvedUserModel {
  if (isResolved(given)) return given;
  const options = given as UserModelOptions;
  const fromModel = options.model === undefined ? null : parseModel(options.model);
  const table = identifier('table', options.table ?? (fromModel ? `${fromModel[0]}_${fromModel[1]}` : 'auth_user'));
  const [appLabel, modelName] = fromModel ?? guessModel(table);
  // create_many_to_many_intermediary_model names the columns after both models, prefixing from_/to_
  // when they share a name; the store reads group_id and permission_id, so refuse those cases.
  if (modelName === 'group' || modelName === 'permission') throw new ImproperlyConfigured(`userModel.model: a user model named "${modelName}" has from_/to_ join columns, which the bridge does not read`);
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
    modelName,
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
