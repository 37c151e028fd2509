/**
 * The two parts of Python's `urllib.parse.urlsplit` (3.11) that Django's CSRF checks read: scheme
 * and netloc. WHATWG's URL parser normalises (lower-cases hosts, drops default ports), which would
 * accept origins Django refuses, so the Python rules are reproduced instead.
 */
export interface SplitUrl {
  scheme: string;
  netloc: string;
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/** Throws (like Python's ValueError) for unbalanced IPv6 brackets. */
export function urlSplit(input: string): SplitUrl {
  // Python strips leading C0 controls and spaces, and removes tab/CR/LF anywhere.
  let url = input.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = '';
  if (url.startsWith('//')) {
    const rest = url.slice(2);
    const end = rest.search(/[/?#]/);
    netloc = end < 0 ? rest : rest.slice(0, end);
    if (netloc.includes('[') !== netloc.includes(']')) throw new Error('Invalid IPv6 URL');
  }
  return { scheme, netloc };
}

/** `django.utils.http.is_same_domain`: ".example.com" matches example.com and its subdomains. */
export function isSameDomain(host: string, pattern: string | null | undefined): boolean {
  if (!pattern) return false;
  const p = pattern.toLowerCase();
  return (p[0] === '.' && (host.endsWith(p) || host === p.slice(1))) || p === host;
}
