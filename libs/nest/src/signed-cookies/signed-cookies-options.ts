import { defaultLegacySaltFallback, defaultSignedCookieSaltFormat, ImproperlyConfigured, type DjangoVersion, type SignedCookieSaltFormat } from '@django-bridge/core';

/** The `signedCookies` option of DjangoBridgeModule. */
export interface SignedCookiesOptions {
  /**
   * How (name, salt) become the signer's salt: 'v2' on 5.2.15+ and 6.x, 'legacy' (name + salt)
   * before; default that of `djangoVersion`'s current release. Give 'legacy' for a 5.2 site older than 5.2.15.
   */
  saltFormat?: SignedCookieSaltFormat;
  /** SIGNED_COOKIE_LEGACY_SALT_FALLBACK (v2 only); default that of `djangoVersion` (true on 5.2 and 6.0, false on 6.1). */
  legacySaltFallback?: boolean;
}

export interface ResolvedSignedCookiesOptions {
  saltFormat: SignedCookieSaltFormat;
  legacySaltFallback: boolean;
}

export function resolveSignedCookiesOptions(options: SignedCookiesOptions | undefined, djangoVersion: DjangoVersion): ResolvedSignedCookiesOptions {
  const saltFormat = options?.saltFormat ?? defaultSignedCookieSaltFormat(djangoVersion);
  if (saltFormat !== 'v2' && saltFormat !== 'legacy') throw new ImproperlyConfigured(`DjangoBridgeModule option "signedCookies.saltFormat" must be 'v2' or 'legacy', not "${String(saltFormat)}"`);
  const legacySaltFallback = options?.legacySaltFallback ?? defaultLegacySaltFallback(djangoVersion);
  if (typeof legacySaltFallback !== 'boolean') throw new ImproperlyConfigured('DjangoBridgeModule option "signedCookies.legacySaltFallback" must be a boolean');
  return { saltFormat, legacySaltFallback };
}
