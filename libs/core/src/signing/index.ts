/** `django.core.signing`, as a namespace: `signing.dumps(...)`, `signing.loads(...)`. */
export { dumps, loads, DEFAULT_SIGNING_SALT, type DumpsOptions, type LoadsOptions } from './dumps.js';
export { Signer, DEFAULT_MAX_SIGNED_SIZE, type SignerOptions, type SignObjectOptions, type UnsignObjectOptions } from './signer.js';
export { TimestampSigner, type TimestampSignerOptions, type TimestampUnsignObjectOptions } from './timestamp-signer.js';
export { getCookieSigner, type CookieSignerOptions } from './cookie-signer.js';
export { DEFAULT_MAX_DECOMPRESSED_SIZE } from './compression.js';
export { JSONSerializer, type Serializer } from '../serializers/serializer.js';
export { BadSignature, SignatureExpired } from '../errors.js';
