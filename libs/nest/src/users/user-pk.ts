/** How a user model's primary key is stored (`userModel.pkType`). */
export type UserPkType = 'int' | 'bigint' | 'uuid';

/**
 * Django's `pk.to_python` on a session's `_auth_user_id`: the key as the model keeps it, or null
 * when the value cannot be one (then there is no user, never an error). Integers within 2^53 are
 * numbers, larger ones stay text; UUIDs come out hyphenated and lower-case, as value_to_string
 * writes them. Every user store reads `_auth_user_id` through this.
 */
export function parseUserPk(value: unknown, pkType: UserPkType): number | string | null {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return null;
  if (pkType === 'uuid') {
    const hex = text.replace(/-/g, '').toLowerCase();
    return /^[0-9a-f]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
  }
  if (!/^-?\d{1,19}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : text.trim();
}
