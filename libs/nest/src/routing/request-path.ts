/**
 * Whether a request path is `prefix` or below it, compared the way a lenient router matches:
 * percent-decoded, case-insensitive, repeated slashes collapsed. A routing decision made on the raw
 * path could be dodged with `/ADMIN` or `/%61dmin` while the route still matches.
 */
export function pathIsUnder(path: string, prefix: string): boolean {
  const normal = normalisePath(path);
  const base = normalisePath(prefix).replace(/\/$/, '');
  return normal === base || normal.startsWith(`${base}/`);
}

function normalisePath(path: string): string {
  let text = path.split(/[?#]/, 1)[0] ?? '';
  try {
    text = decodeURIComponent(text);
  } catch {
    // Undecodable escapes: compare the raw text; no route will match it anyway.
  }
  return text.replace(/\/{2,}/g, '/').toLowerCase();
}
