/** A Django user as the bridge sees it (auth.User or a custom model), with Django's attribute names in camelCase. */
export interface DjangoUser {
  /** Primary key, as stored (number for AutoField, string for UUID and for bigints beyond 2^53). */
  id: number | string;
  /** USERNAME_FIELD value. */
  username: string;
  /** The encoded password hash (`pbkdf2_sha256$...`). */
  password: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  lastLogin: Date | null;
  /** Every other loaded column (first_name, email, ...), by column name. */
  fields: Record<string, unknown>;
}
