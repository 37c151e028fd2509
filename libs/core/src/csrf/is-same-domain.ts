/**
 * `django.utils.http.is_same_domain`: a pattern starting with "." matches the domain itself and every
 * subdomain; anything else must match exactly. Only the pattern is lower-cased (as in Django), so a
 * host in upper case matches a lower-case pattern only through the dotted form.
 */
export function isSameDomain(host: string, pattern: string | null | undefined): boolean {
  if (!pattern) return false;
  const p = pattern.toLowerCase();
  return (p[0] === '.' && (host.endsWith(p) || host === p.slice(1))) || p === host;
}
