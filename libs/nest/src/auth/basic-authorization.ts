/**
 * Username and password of an `Authorization: Basic` header, or null if it has none or is malformed.
 * Kept apart from the Passport strategy so forward auth can read Basic credentials without Passport.
 */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
