/** The columns of a user every model has, in camelCase (the hash is passed apart, see DjangoUser). */
export interface DjangoUserInit {
  /** Primary key, as stored (number for AutoField, string for UUID and for bigints beyond 2^53). */
  id: number | string;
  /** USERNAME_FIELD value. */
  username: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  lastLogin: Date | null;
  /** Every other loaded column (first_name, email, date_joined, ...), by column name. */
  fields?: Record<string, unknown>;
}

/** What a user must never show: the password hash and the model's secret columns. */
export interface DjangoUserSecrets {
  /** The encoded password hash (`pbkdf2_sha256$...`). */
  password: string;
  /** Columns named in `userModel.secretColumns`. */
  columns?: Record<string, unknown>;
}

// Kept outside the object, so that JSON.stringify, spreading, logging and util.inspect of a user
// can never reveal them; the auth service and the stores read them here.
const secrets = new WeakMap<DjangoUser, DjangoUserSecrets>();

/**
 * A Django user (auth.User or a custom model) as the bridge sees it, with Django's attribute names
 * in camelCase. Safe to return from a controller, resolver or gateway: it holds no password hash or
 * secret column (read those with `DjangoAuthService.passwordHash(user)` / `secretColumn(user, name)`).
 */
export class DjangoUser implements DjangoUserInit {
  id: number | string;
  username: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  lastLogin: Date | null;
  fields: Record<string, unknown>;

  constructor(init: DjangoUserInit, hidden: DjangoUserSecrets) {
    this.id = init.id;
    this.username = init.username;
    this.isActive = init.isActive;
    this.isStaff = init.isStaff;
    this.isSuperuser = init.isSuperuser;
    this.lastLogin = init.lastLogin;
    this.fields = { ...init.fields };
    secrets.set(this, { password: hidden.password, columns: { ...hidden.columns } });
  }

  /** An independent copy, secrets included: what one request changes on it, another never sees. */
  static copyOf(user: DjangoUser): DjangoUser {
    const hidden = secrets.get(user) ?? { password: '' };
    return new DjangoUser({ ...user.toJSON(), lastLogin: user.lastLogin ? new Date(user.lastLogin.getTime()) : null, fields: structuredClone(user.fields) }, { password: hidden.password, columns: structuredClone(hidden.columns) });
  }

  /** The user's encoded password hash (for the bridge's own checks; not part of the object). */
  static passwordOf(user: DjangoUser): string {
    return secrets.get(user)?.password ?? '';
  }

  /** Replaces the hash after a password change or a rehash on login. */
  static setPasswordOf(user: DjangoUser, encoded: string): void {
    const current = secrets.get(user);
    secrets.set(user, { ...current, password: encoded });
  }

  /** A column listed in `userModel.secretColumns`, or undefined. */
  static secretColumnOf(user: DjangoUser, column: string): unknown {
    return secrets.get(user)?.columns?.[column];
  }

  toJSON(): DjangoUserInit & { fields: Record<string, unknown> } {
    return { id: this.id, username: this.username, isActive: this.isActive, isStaff: this.isStaff, isSuperuser: this.isSuperuser, lastLogin: this.lastLogin, fields: this.fields };
  }
}
