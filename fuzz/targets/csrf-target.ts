import { parseCsrfTrustedOrigins, verifyCsrfRequest, type CsrfTrustedOrigins } from '@django-bridge/core';
import { djangoSeedsFor } from '../lib/corpus.js';
import { fuzzText, textBytes, type Target } from '../lib/target.js';
import { CSRF_TOKENS } from './dictionaries.js';

const TRUSTED = parseCsrfTrustedOrigins(['https://trusted.example.com', 'https://*.wild.example.com', 'http://plain.example.org:8080']);

const field = (fields: string[], i: number): string | undefined => (i < fields.length && fields[i] !== '\u0001' ? fields[i] : undefined);

/**
 * CsrfViewMiddleware.process_view on a request built from NUL-separated fields: method, stored
 * token, form token, header token, Origin, Referer, Host, flags, cookie domain, trusted origins.
 * A field "\x01" (or a missing one) is an absent header. It never throws (except a typed
 * ImproperlyConfigured for a bad trusted-origins list) and answers {ok: true} or {ok: false, reason}.
 */
export const csrfTarget: Target = {
  name: 'csrf',
  seeds: () => djangoSeedsFor('csrf'),
  dictionary: CSRF_TOKENS,
  maxLength: 16 * 1024,
  run: (input) => {
    const f = fuzzText(input).split('\0');
    const flags = (field(f, 7) ?? '').charCodeAt(0) || 0;
    let trustedOrigins: CsrfTrustedOrigins = TRUSTED;
    const extra = field(f, 9);
    if (extra !== undefined) trustedOrigins = parseCsrfTrustedOrigins(extra.split(' '));
    const result = verifyCsrfRequest({
      method: field(f, 0) ?? 'POST',
      storedToken: field(f, 1),
      formToken: field(f, 2),
      headerToken: field(f, 3),
      origin: field(f, 4),
      referer: field(f, 5),
      host: field(f, 6) ?? null,
      isSecure: (flags & 1) !== 0,
      useSessions: (flags & 2) !== 0,
      legacyTokenReason: (flags & 4) !== 0,
      refererAsSplit: (flags & 8) !== 0,
      cookieDomain: flags & 16 ? field(f, 8) ?? null : null,
      serverPort: flags & 32 ? '8443' : '443',
      trustedOrigins,
    });
    const shapeOk = result && typeof result === 'object' && (result.ok === true || (result.ok === false && typeof (result as { reason?: unknown }).reason === 'string'));
    return { serializedBytes: input.length, problem: shapeOk ? undefined : `unexpected result ${JSON.stringify(result)}` };
  },
};

/** A seed in the field layout above (used by the corpus generator). */
export function csrfSeed(fields: (string | undefined)[]): Buffer {
  return textBytes(fields.map((v) => v ?? '\u0001').join('\0'));
}
