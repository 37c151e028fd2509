import { BadSignature, djangoDefaults, setCookieHeader, SignatureExpired, signCookieValue, unsignCookieValue, type SetCookieOptions, type SignedCookieKeys } from '@django-bridge/core';
import { Inject, Injectable } from '@nestjs/common';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { setResponseCookie } from '../http/http-adapter.js';
import { DjangoSignedCookieError } from './signed-cookie-error.js';
import type { ResolvedSignedCookiesOptions } from './signed-cookies-options.js';

export interface GetSignedCookieOptions<D> {
  /** The `salt` argument (the signer's salt is derived from the name and it). */
  salt?: string;
  /** `max_age` in seconds. */
  maxAge?: number | null;
  /** Returned when the cookie is missing, bad or expired; without it those throw DjangoSignedCookieError (400). */
  default?: D;
}

export interface SetSignedCookieOptions extends Omit<SetCookieOptions, 'now'> {
  salt?: string;
}

/**
 * `request.get_signed_cookie` and `response.set_signed_cookie` for Nest on Express and Fastify,
 * with the module's SECRET_KEY, SECRET_KEY_FALLBACKS and line, so a cookie set by either side
 * reads on the other.
 */
@Injectable()
export class DjangoSignedCookies {
  private readonly keys: SignedCookieKeys;
  private readonly settings: ResolvedSignedCookiesOptions;

  constructor(@Inject(DJANGO_BRIDGE_OPTIONS) options: ResolvedBridgeOptions) {
    const legacy = djangoDefaults(options.djangoVersion).acceptsLegacySha1;
    this.keys = { key: options.secretKey, fallbackKeys: options.secretKeyFallbacks, legacyAlgorithm: legacy ? 'sha1' : null };
    this.settings = options.signedCookies;
  }

  /** `request.get_signed_cookie(name, default=..., salt=..., max_age=...)`. */
  get(request: object, name: string): string;
  get<D>(request: object, name: string, options: GetSignedCookieOptions<D> & { default: D }): string | D;
  get(request: object, name: string, options?: GetSignedCookieOptions<never>): string;
  get<D>(request: object, name: string, options: GetSignedCookieOptions<D> = {}): string | D {
    const hasDefault = 'default' in options;
    const raw = DjangoRequestContext.of(request).cookies[name];
    if (raw === undefined) {
      if (hasDefault) return options.default as D;
      throw new DjangoSignedCookieError(name, 'missing');
    }
    try {
      return this.unsign(name, raw, options);
    } catch (err) {
      if (!(err instanceof BadSignature)) throw err;
      if (hasDefault) return options.default as D;
      throw new DjangoSignedCookieError(name, err instanceof SignatureExpired ? 'expired' : 'bad-signature', err);
    }
  }

  /** The value of a signed cookie value (not a request); BadSignature / SignatureExpired from the core. */
  unsign(name: string, signedValue: string, options: { salt?: string; maxAge?: number | null } = {}): string {
    return unsignCookieValue(name, signedValue, { ...this.keys, salt: options.salt, maxAge: options.maxAge, saltFormat: this.settings.saltFormat, legacySaltFallback: this.settings.legacySaltFallback });
  }

  /** The signed value `set_signed_cookie(name, value, salt=...)` stores. */
  sign(name: string, value: string, options: { salt?: string } = {}): string {
    return signCookieValue(name, value, { ...this.keys, salt: options.salt, saltFormat: this.settings.saltFormat });
  }

  /**
   * `response.set_signed_cookie(name, value, salt=..., max_age=..., ...)` on an Express response or
   * a Fastify reply; a later call for the same name replaces the earlier one, as in Django.
   */
  set(response: object, name: string, value: string, options: SetSignedCookieOptions = {}): void {
    const { salt, ...cookie } = options;
    setResponseCookie(response, name, setCookieHeader(name, this.sign(name, value, { salt }), cookie));
  }
}
