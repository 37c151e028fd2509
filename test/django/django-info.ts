/**
 * What the Django behind the oracle is (its version, hasher defaults and features), asked once per
 * test file, so that specs take their expectations from the Django that runs rather than from constants.
 */
import { isDjangoVersion, type DjangoVersion } from '@django-bridge/core';

import { django } from './oracle.js';

export interface DjangoInfo {
  version: string;
  /** "major.minor" of the running Django. */
  line: string;
  python: string;
  /** The hashers oracle.py enabled: every built-in one the line ships, preferred first. */
  hashers: string[];
  /** global_settings.PASSWORD_HASHERS, by algorithm. */
  default_hashers: string[];
  pbkdf2_iterations: number;
  scrypt: { n: number; r: number; p: number } | null;
  argon2: { time_cost: number; memory_cost: number; parallelism: number; hash_length: number };
  bcrypt_rounds: number;
  pickle_highest_protocol: number;
  /** Module of timezone.now()'s tzinfo: "pytz" on 3.2, "datetime" on 4.0+. */
  now_tz_module: string;
  features: {
    /** settings.DEFAULT_HASHING_ALGORITHM (3.1/3.2). */
    default_hashing_algorithm: boolean;
    /** Sessions in the pre-3.1 format are still read (3.1/3.2). */
    legacy_session_decode: boolean;
    /** settings.SECRET_KEY_FALLBACKS (4.1+). */
    secret_key_fallbacks: boolean;
    /** settings.CSRF_COOKIE_MASKED (4.1/4.2). */
    csrf_cookie_masked_setting: boolean;
    /** _check_token_format / InvalidTokenFormat (4.0+). */
    csrf_token_format: boolean;
    /** Token refusals with precise reasons (4.0+) instead of 3.2's one reason. */
    csrf_precise_reasons: boolean;
    /** The Origin header is checked (4.0+). */
    csrf_origin_check: boolean;
    /** CSRF_TRUSTED_ORIGINS entries are origins with a scheme (4.0+), not 3.2's bare hosts. */
    csrf_trusted_origins_have_scheme: boolean;
    /** An unparsable Referer raises ValueError out of process_view (3.2; 4.0+ rejects it as malformed). */
    csrf_referer_value_error_escapes: boolean;
    /** django.middleware.csrf parses with urlsplit, not urlparse (5.2+ here): Referers show their ";" in reasons. */
    csrf_urlsplit: boolean;
    /** django.core.signing.b62_encode (4.0+) rather than django.utils.baseconv. */
    signing_b62: boolean;
    /** django.contrib.sessions.serializers.PickleSerializer (up to 4.2). */
    pickle_serializer: boolean;
    pytz: boolean;
    crypt_module: boolean;
  };
}

let cached: DjangoInfo | undefined;

export function djangoInfo(): DjangoInfo {
  cached ??= django<DjangoInfo>({ op: 'django_info' });
  return cached;
}

/** The running line as the bridge names it; a line the bridge does not claim fails here. */
export function bridgeVersion(info: DjangoInfo = djangoInfo()): DjangoVersion {
  if (!isDjangoVersion(info.line)) throw new Error(`the bridge has no djangoVersion for the running Django ${info.version}`);
  return info.line;
}
