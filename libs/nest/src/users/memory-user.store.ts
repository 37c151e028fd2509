import { ImproperlyConfigured, makePassword, type PasswordHashers } from '@django-bridge/core';
import { DjangoUser } from './django-user.js';
import type { DjangoUserStore } from './django-user-store.js';
import { PasswordHashingLimiter } from '../auth/password-hashing-limiter.js';
import { parseUserPk, type UserPkType } from './user-pk.js';

/** A user to add: Django's `create_user` fields, with the password in clear (hashed on the way in). */
export interface MemoryUserInit {
  /** Primary key; default the next free integer (AutoField), required with `pkType: 'uuid'`. */
  id?: number | string;
  username: string;
  /**
   * The raw password, stored as `makePassword` encodes it with the store's hashers; null stores an
   * unusable password (`set_unusable_password`). Ignored when `encodedPassword` is given.
   */
  password?: string | null;
  /** An already encoded hash (`pbkdf2_sha256$...`), stored as it is. */
  encodedPassword?: string;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
  lastLogin?: Date | null;
  /** Other columns (email, first_name, date_joined, ...). */
  fields?: Record<string, unknown>;
  /** Columns the user object must never show (see DjangoUser). */
  secretColumns?: Record<string, unknown>;
  /** Group names; groups that do not exist yet are created without permissions. */
  groups?: string[];
  /** The user's own permissions, "app_label.codename". */
  permissions?: string[];
}

/** What can change on a stored user (Django's `user.save()` of those fields). */
export type MemoryUserChanges = Partial<Pick<MemoryUserInit, 'username' | 'isActive' | 'isStaff' | 'isSuperuser' | 'lastLogin' | 'fields' | 'groups' | 'permissions'>>;

export interface MemoryUserStoreOptions {
  /** The hashers `password` values are encoded with; default the core's (Django's newest line). */
  hashers?: PasswordHashers;
  /**
   * Where the store's hashes (addUser, changePassword) wait for a slot; default a limiter of its own
   * with the default bounds. Pass `auth.passwordHashing` to share the bridge's.
   */
  passwordHashing?: PasswordHashingLimiter;
  /** int (default), bigint or uuid, as `userModel.pkType`: how `_auth_user_id` is read. */
  pkType?: UserPkType;
  /** Whether the model has groups and permissions (PermissionsMixin); default true. */
  permissionsMixin?: boolean;
  /** Groups and their permissions, by name. */
  groups?: Record<string, string[]>;
  /** More known permissions (auth_permission rows); a superuser has every known permission. */
  permissions?: string[];
}

interface UserRow {
  id: number | string;
  username: string;
  password: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  lastLogin: Date | null;
  fields: Record<string, unknown>;
  secretColumns: Record<string, unknown>;
  groups: Set<string>;
  permissions: Set<string>;
}

const PERMISSION = /^[^.\s]+\.\S+$/;

function checkPermissions(perms: readonly string[]): string[] {
  for (const perm of perms) if (typeof perm !== 'string' || !PERMISSION.test(perm)) throw new ImproperlyConfigured(`permission "${String(perm)}" must look like "app_label.codename"`);
  return [...perms];
}

/**
 * Django's users, groups and permissions in process memory, with ModelBackend's rules as
 * TypeOrmUserStore applies them: for unit tests and demos (give it as `userStore`), never shared
 * with Django. Rows are copied in and out as a database's would be: every find builds a new user
 * object, so a test that changes a row sees it on the next request, not on objects already handed out.
 * Usernames match exactly (a database's collation may fold case; this store never does).
 */
export class MemoryUserStore implements DjangoUserStore {
  private readonly rows = new Map<string, UserRow>();
  /** auth_group: name -> permissions. */
  private readonly groups = new Map<string, Set<string>>();
  /** auth_permission: every permission the store knows of. */
  private readonly known = new Set<string>();
  private readonly pkType: UserPkType;
  private readonly hashing: PasswordHashingLimiter;
  private nextId = 1;

  constructor(private readonly options: MemoryUserStoreOptions = {}) {
    this.pkType = options.pkType ?? 'int';
    this.hashing = options.passwordHashing ?? new PasswordHashingLimiter();
    if (!['int', 'bigint', 'uuid'].includes(this.pkType)) throw new ImproperlyConfigured(`MemoryUserStore pkType must be 'int', 'bigint' or 'uuid'`);
    for (const [name, perms] of Object.entries(options.groups ?? {})) this.addGroup(name, perms);
    this.addPermission(...(options.permissions ?? []));
  }

  /** Adds known permissions (rows of auth_permission). */
  addPermission(...perms: string[]): void {
    for (const perm of checkPermissions(perms)) this.known.add(perm);
  }

  /** Creates a group (or adds permissions to an existing one). */
  addGroup(name: string, perms: string[] = []): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > 150) throw new ImproperlyConfigured('group names are 1 to 150 characters');
    const group = this.groups.get(name) ?? new Set<string>();
    for (const perm of checkPermissions(perms)) {
      group.add(perm);
      this.known.add(perm);
    }
    this.groups.set(name, group);
  }

  /** `create_user`: stores a user with its password hashed, and returns it as a find would. */
  async addUser(init: MemoryUserInit): Promise<DjangoUser> {
    if (typeof init?.username !== 'string' || init.username.length === 0) throw new ImproperlyConfigured('A user needs a non-empty username');
    // Hashed first: the checks and the insert below run without an await between them, so users
    // added concurrently can never share a username or an id.
    const password = init.encodedPassword ?? (await this.hashing.run(() => makePassword(init.password ?? null, { hashers: this.options.hashers })));
    if ([...this.rows.values()].some((r) => r.username === init.username)) throw new ImproperlyConfigured(`A user named "${init.username}" exists already`);
    checkPermissions(init.permissions ?? []);
    const id = this.newId(init.id);
    const row: UserRow = {
      id,
      username: init.username,
      password,
      isActive: init.isActive ?? true,
      isStaff: init.isStaff ?? false,
      isSuperuser: init.isSuperuser ?? false,
      lastLogin: init.lastLogin ? new Date(init.lastLogin.getTime()) : null,
      fields: structuredClone(init.fields ?? {}),
      secretColumns: structuredClone(init.secretColumns ?? {}),
      groups: new Set(),
      permissions: new Set(),
    };
    this.applyMemberships(row, init);
    this.rows.set(this.key(id)!, row);
    return this.toUser(row);
  }

  /** Changes a stored user, as `user.save()` would; false when there is no such user. */
  updateUser(id: number | string, changes: MemoryUserChanges): boolean {
    const row = this.row(id);
    if (!row) return false;
    checkPermissions(changes.permissions ?? []);
    if (changes.username !== undefined && changes.username !== row.username && [...this.rows.values()].some((r) => r.username === changes.username)) throw new ImproperlyConfigured(`A user named "${changes.username}" exists already`);
    if (changes.username !== undefined) row.username = changes.username;
    if (changes.isActive !== undefined) row.isActive = changes.isActive;
    if (changes.isStaff !== undefined) row.isStaff = changes.isStaff;
    if (changes.isSuperuser !== undefined) row.isSuperuser = changes.isSuperuser;
    if (changes.lastLogin !== undefined) row.lastLogin = changes.lastLogin && new Date(changes.lastLogin.getTime());
    if (changes.fields !== undefined) row.fields = { ...row.fields, ...structuredClone(changes.fields) };
    if (changes.groups !== undefined) row.groups = new Set();
    if (changes.permissions !== undefined) row.permissions = new Set();
    this.applyMemberships(row, changes);
    return true;
  }

  /** `user.set_password(raw); user.save()`: a new hash, so sessions made before it stop working. */
  async changePassword(id: number | string, raw: string | null): Promise<boolean> {
    const row = this.row(id);
    if (!row) return false;
    row.password = await this.hashing.run(() => makePassword(raw, { hashers: this.options.hashers }));
    return true;
  }

  /** `user.delete()`; false when there was no such user. */
  deleteUser(id: number | string): boolean {
    const key = this.key(id);
    return key !== null && this.rows.delete(key);
  }

  /** Every stored user, in insertion order, as finds return them. */
  allUsers(): DjangoUser[] {
    return [...this.rows.values()].map((row) => this.toUser(row));
  }

  parsePk(value: unknown): number | string | null {
    return parseUserPk(value, this.pkType);
  }

  async findById(id: number | string): Promise<DjangoUser | null> {
    const row = this.row(id);
    return row ? this.toUser(row) : null;
  }

  async findByUsername(username: string): Promise<DjangoUser | null> {
    if (typeof username !== 'string') return null;
    for (const row of this.rows.values()) if (row.username === username) return this.toUser(row);
    return null;
  }

  /** The user's group names, sorted (as ORDER BY name on a binary collation). */
  async groupNames(user: DjangoUser): Promise<string[]> {
    if (this.options.permissionsMixin === false) return [];
    const row = this.row(user.id);
    return row ? [...row.groups].sort() : [];
  }

  /**
   * ModelBackend.get_all_permissions: none for an inactive user, every known permission for an
   * active superuser, else the user's own and its groups' permissions. The flags are the user
   * object's, as Django reads them from the instance it was handed.
   */
  async allPermissions(user: DjangoUser): Promise<Set<string>> {
    if (!user.isActive || this.options.permissionsMixin === false) return new Set();
    if (user.isSuperuser) return new Set(this.known);
    const row = this.row(user.id);
    if (!row) return new Set();
    const perms = new Set(row.permissions);
    for (const name of row.groups) for (const perm of this.groups.get(name) ?? []) perms.add(perm);
    return perms;
  }

  async setPassword(user: DjangoUser, encoded: string): Promise<void> {
    const row = this.row(user.id);
    if (row) row.password = encoded;
    DjangoUser.setPasswordOf(user, encoded);
  }

  async updateLastLogin(user: DjangoUser, now = new Date()): Promise<void> {
    const row = this.row(user.id);
    if (row) row.lastLogin = new Date(now.getTime());
    user.lastLogin = now;
  }

  /** The map key of a primary key in any accepted form (a UUID with or without hyphens). */
  private key(id: unknown): string | null {
    const pk = this.parsePk(id);
    if (pk === null) return null;
    // An integer beyond 2^53 stays text: compare it by value, as the database would ("007" is 7).
    return typeof pk === 'string' && this.pkType !== 'uuid' ? BigInt(pk).toString() : String(pk);
  }

  private row(id: unknown): UserRow | undefined {
    const key = this.key(id);
    return key === null ? undefined : this.rows.get(key);
  }

  private newId(given: number | string | undefined): number | string {
    if (given === undefined) {
      if (this.pkType === 'uuid') throw new ImproperlyConfigured('A user of a UUID model needs an id');
      while (this.rows.has(String(this.nextId))) this.nextId++;
      return this.nextId++;
    }
    const parsed = this.parsePk(given);
    if (parsed === null) throw new ImproperlyConfigured(`"${String(given)}" is not a ${this.pkType} primary key`);
    // Numbers stay numbers; big integers and UUIDs are kept in their one canonical text form.
    const id = typeof parsed === 'number' ? parsed : this.key(parsed)!;
    if (this.rows.has(String(id))) throw new ImproperlyConfigured(`A user with id ${String(id)} exists already`);
    if (typeof id === 'number' && id >= this.nextId) this.nextId = id + 1;
    return id;
  }

  private applyMemberships(row: UserRow, from: { groups?: string[]; permissions?: string[] }): void {
    for (const name of from.groups ?? []) {
      if (!this.groups.has(name)) this.addGroup(name);
      row.groups.add(name);
    }
    for (const perm of checkPermissions(from.permissions ?? [])) {
      row.permissions.add(perm);
      this.known.add(perm);
    }
  }

  private toUser(row: UserRow): DjangoUser {
    return new DjangoUser(
      {
        id: row.id,
        username: row.username,
        isActive: row.isActive,
        isStaff: row.isStaff,
        isSuperuser: row.isSuperuser,
        lastLogin: row.lastLogin && new Date(row.lastLogin.getTime()),
        fields: structuredClone(row.fields),
      },
      { password: row.password, columns: structuredClone(row.secretColumns) },
    );
  }
}
