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

/**
 * The last few paths normalised: routers ask about the same request path for every statement of a
 * request (and about the same prefix always), so most calls are a lookup.
 */
const recent = new Map<string, string>();
const RECENT_LIMIT = 64;

function normalisePath(path: string): string {
  // Long paths are rare and would make the memo's memory unbounded in practice: computed each time.
  if (path.length > 1024) return normaliseNow(path);
  let normal = recent.get(path);
  if (normal === undefined) {
    normal = normaliseNow(path);
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
    recent.set(path, normal);
  }
  return normal;
}

function normaliseNow(path: string): string {
  let text = path.split(/[?#]/, 1)[0] ?? '';
  try {
    text = decodeURIComponent(text);
  } catch {
    // Undecodable escapes: compare the raw text; no route will match it anyway.
  }
  return text.replace(/\/{2,}/g, '/').toLowerCase();
}
