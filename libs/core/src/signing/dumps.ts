import { type BytesLike } from '../crypto/bytes.js';
import { type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { type Serializer } from '../serializers/serializer.js';
import { TimestampSigner } from './timestamp-signer.js';

/** Django's default namespace for `dumps`/`loads`. */
export const DEFAULT_SIGNING_SALT = 'django.core.signing';

interface CommonOptions {
  key: BytesLike;
  salt?: string;
  serializer?: Serializer;
  algorithm?: HmacAlgorithm;
  clock?: () => number;
}

export interface DumpsOptions extends CommonOptions {
  compress?: boolean;
}

export interface LoadsOptions extends CommonOptions {
  maxAge?: number | null;
  fallbackKeys?: readonly BytesLike[];
  legacyAlgorithm?: HmacAlgorithm | null;
  maxSize?: number;
  maxDecompressedSize?: number;
}

/** `signing.dumps`: URL-safe, timestamped, signed (and optionally compressed) serialization. */
export function dumps(obj: unknown, options: DumpsOptions): string {
  const { key, salt = DEFAULT_SIGNING_SALT, algorithm, clock, serializer, compress } = options;
  return new TimestampSigner({ key, salt, algorithm, clock }).signObject(obj, { serializer, compress });
}

/** `signing.loads`: verifies with the key, then each fallback key; raises BadSignature / SignatureExpired. */
export function loads(text: string, options: LoadsOptions): unknown {
  const { key, salt = DEFAULT_SIGNING_SALT, algorithm, clock, fallbackKeys, legacyAlgorithm, ...rest } = options;
  return new TimestampSigner({ key, salt, algorithm, clock, fallbackKeys, legacyAlgorithm }).unsignObject(text, rest);
}
