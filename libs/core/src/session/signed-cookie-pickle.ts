import { type DjangoVersion } from '../django-version.js';
import { ImproperlyConfigured } from '../errors.js';
import { type DecodeLimits } from '../limits/decode-limits.js';
import { pickleDumps, unpickle } from '../serializers/pickle/index.js';
import { type Serializer } from '../serializers/serializer.js';

/**
 * Lines that ship `PickleSerializer` (django.contrib.sessions.serializers up to 4.2; deprecated in
 * 4.1, removed in 5.0). A signed_cookies site elsewhere cannot be on pickle.
 */
export const PICKLE_SERIALIZER_LINES: readonly DjangoVersion[] = ['3.2', '4.0', '4.1', '4.2'];

/** `pickle.HIGHEST_PROTOCOL` on Python 3.8+, which Django's PickleSerializer writes. */
export const DJANGO_PICKLE_PROTOCOL = 5;

export interface SignedCookiePickleOptions {
  djangoVersion: DjangoVersion;
  /** Python 3.6/3.7 have HIGHEST_PROTOCOL 4; default 5. */
  protocol?: number;
  /** Bounds on what a cookie's pickle may decode to (see DecodeLimits); default the core defaults. */
  limits?: DecodeLimits;
}

/**
 * Django's PickleSerializer for the signed_cookies engine, which must write as well as read (every
 * save re-signs the whole session). Reading is the allow-list reader: nothing in a cookie is ever
 * imported or run here. Writing covers the same plain-data subset and is CPython's byte for byte
 * when the session's strings are distinct objects (as strings decoded at run time are).
 */
export function signedCookiePickleSerializer(options: SignedCookiePickleOptions): Serializer {
  const { djangoVersion, protocol = DJANGO_PICKLE_PROTOCOL, limits = {} } = options;
  if (!PICKLE_SERIALIZER_LINES.includes(djangoVersion)) {
    throw new ImproperlyConfigured(`Django ${djangoVersion} has no PickleSerializer (removed in 5.0): signed_cookies sessions there are JSON`);
  }
  // timezone.now() is pytz.utc-aware on 3.2 and datetime.timezone.utc-aware from 4.0.
  const tzinfo = djangoVersion === '3.2' ? 'pytz.utc' : 'timezone.utc';
  // Validate the protocol now rather than on the first save.
  pickleDumps(null, { protocol });
  return {
    dumps: (value) => pickleDumps(value, { protocol, tzinfo, shareStrings: false }),
    loads: (data) => unpickle(data, { maxExpandedBytes: limits.maxExpandedBytes, intMaxStrDigits: limits.intMaxStrDigits }),
  };
}
