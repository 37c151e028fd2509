import { isPythonIPv4, isPythonIPv6 } from './python-ip-address.js';

/**
 * Python's `urllib.parse.urlparse` (3.11 with the 2023-2025 security fixes, as Debian and current
 * CPython ship it), which Django's CSRF checks use on Origin, Referer and CSRF_TRUSTED_ORIGINS.
 * WHATWG's `URL` normalises (lower-cases hosts, drops default ports, rejects what Python keeps), so
 * using it would accept or refuse different requests than Django does.
 */
export interface ParsedUrl {
  scheme: string;
  netloc: string;
  path: string;
  params: string;
  query: string;
  fragment: string;
}

/** Python raises ValueError; callers map this to Django's "malformed" outcome. */
export class UrlParseError extends Error {}

const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const USES_PARAMS = new Set(['', 'ftp', 'hdl', 'prospero', 'http', 'imap', 'https', 'shttp', 'rtsp', 'rtspu', 'sip', 'sips', 'mms', 'sftp', 'tel']);
const IPV_FUTURE = /^v[a-fA-F0-9]+\..+$/s;

/** `urllib.parse.urlsplit`'s result: urlparse's without `params` (they stay in the path). */
export type SplitUrl = Omit<ParsedUrl, 'params'>;

/** Python's `urllib.parse.urlsplit`: `urlParse` without splitting `;params` off the last path segment. */
export function urlSplit(input: string): SplitUrl {
  // Leading C0 controls and spaces go; tab, CR and LF go everywhere (WHATWG-inspired cleaning).
  let url = input.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  let netloc = '';
  let query = '';
  let fragment = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (url.startsWith('//')) {
    const end = url.slice(2).search(/[/?#]/);
    netloc = end < 0 ? url.slice(2) : url.slice(2, 2 + end);
    url = end < 0 ? '' : url.slice(2 + end);
    if (netloc.includes('[') !== netloc.includes(']')) throw new UrlParseError('Invalid IPv6 URL');
    if (netloc.includes('[')) checkBracketedNetloc(netloc);
  }
  const hash = url.indexOf('#');
  if (hash >= 0) [url, fragment] = [url.slice(0, hash), url.slice(hash + 1)];
  const question = url.indexOf('?');
  if (question >= 0) [url, query] = [url.slice(0, question), url.slice(question + 1)];
  checkNetlocNormalization(netloc);
  return { scheme, netloc, path: url, query, fragment };
}

export function urlParse(input: string): ParsedUrl {
  const { scheme, netloc, path, query, fragment } = urlSplit(input);
  let url = path;
  let params = '';
  if (USES_PARAMS.has(scheme) && url.includes(';')) {
    // Params belong to the last path segment only.
    const slash = url.lastIndexOf('/');
    const semi = slash >= 0 ? url.indexOf(';', slash) : url.indexOf(';');
    if (semi >= 0) [url, params] = [url.slice(0, semi), url.slice(semi + 1)];
  }
  return { scheme, netloc, path: url, params, query, fragment };
}

/**
 * `ParseResult.geturl()` for a URL that has a scheme and a netloc (the only case Django formats: a
 * Referer that got past the "malformed" check). Empty params, query and fragment are dropped, so
 * "https://x/a;?#" comes back as "https://x/a".
 */
export function urlUnparse(p: ParsedUrl): string {
  let path = p.params ? `${p.path};${p.params}` : p.path;
  if (path && !path.startsWith('/')) path = '/' + path;
  let url = `${p.scheme ? p.scheme + ':' : ''}//${p.netloc}${path}`;
  if (p.query) url += '?' + p.query;
  if (p.fragment) url += '#' + p.fragment;
  return url;
}

/** `SplitResult.geturl()` for a URL with a scheme and a netloc: like `urlUnparse`, with any `;` kept in the path. */
export function urlUnsplit(p: SplitUrl): string {
  return urlUnparse({ ...p, params: '' });
}

/** Brackets must wrap the whole host (after any userinfo) and hold IPv6 or an IPvFuture literal. */
function checkBracketedNetloc(netloc: string): void {
  const hostAndPort = netloc.slice(netloc.lastIndexOf('@') + 1);
  const open = hostAndPort.indexOf('[');
  let host: string;
  if (open >= 0) {
    if (open > 0) throw new UrlParseError('Invalid IPv6 URL');
    const inner = hostAndPort.slice(1);
    const close = inner.indexOf(']');
    host = close >= 0 ? inner.slice(0, close) : inner;
    const port = close >= 0 ? inner.slice(close + 1) : '';
    if (port && !port.startsWith(':')) throw new UrlParseError('Invalid IPv6 URL');
  } else {
    // The brackets were in the userinfo; Python still validates the plain host as an address.
    const c = hostAndPort.indexOf(':');
    host = c >= 0 ? hostAndPort.slice(0, c) : hostAndPort;
  }
  if (host.startsWith('v')) {
    if (!IPV_FUTURE.test(host)) throw new UrlParseError('IPvFuture address is invalid');
  } else if (isPythonIPv4(host)) {
    throw new UrlParseError('An IPv4 address cannot be in brackets');
  } else if (!isPythonIPv6(host)) {
    throw new UrlParseError(`'${host}' does not appear to be an IPv4 or IPv6 address`);
  }
}

/** Refuses non-ASCII hosts whose NFKC form smuggles a URL delimiter (e.g. U+2100 becoming "a/c"). */
function checkNetlocNormalization(netloc: string): void {
  if (!netloc || /^[\u0000-\u007f]*$/.test(netloc)) return;
  const n = netloc.replace(/[@:#?]/g, '');
  const normalized = n.normalize('NFKC');
  if (n !== normalized && /[/?#@:]/.test(normalized)) throw new UrlParseError('netloc contains invalid characters under NFKC normalization');
}
