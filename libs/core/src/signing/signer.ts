import { b64UrlDecode, b64UrlEncode } from '../crypto/base64.js';
import { type BytesLike } from '../crypto/bytes.js';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { assertHmacAlgorithm, type HmacAlgorithm, saltedHmac } from '../crypto/salted-hmac.js';
import { BadSignature, ImproperlyConfigured, SerializationError } from '../errors.js';
import { assertSerializer, JSONSerializer, type Serializer } from '../serializers/serializer.js';
import { DEFAULT_MAX_DECOMPRESSED_SIZE, zlibCompress, zlibDecompress } from './compression.js';

/** Default cap on the length of a signed value accepted for verification. */
export const DEFAULT_MAX_SIGNED_SIZE = 4 * 1024 * 1024;

// Django refuses separators made only of characters that can occur in the signed data.
const SEP_UNSAFE = /^[-0-9=A-Z[\\\]^_`a-z]*$/;

export interface SignerOptions {
  /** SECRET_KEY (string or bytes). Required: the core reads no settings. */
  key: BytesLike;
  /** SECRET_KEY_FALLBACKS (Django 4.1+): also accepted when verifying, in order. */
  fallbackKeys?: readonly BytesLike[];
  /** Separator between value and signature; default ":". */
  sep?: string;
  /** Namespace of the signature; default "django.core.signing.Signer" (the Python class path). */
  salt?: string;
  /** HMAC algorithm used to sign; default sha256 (Django 3.1/3.2 sites may use sha1). */
  algorithm?: HmacAlgorithm;
  /** Also accept signatures made with this algorithm, as Django 3.1/3.2 accept sha1. Default none. */
  legacyAlgorithm?: HmacAlgorithm | null;
}

export interface SignObjectOptions {
  serializer?: Serializer;
  /** zlib-compress when that saves at least two bytes (marked by a leading "."). */
  compress?: boolean;
}

export interface UnsignObjectOptions {
  serializer?: Serializer;
  /** Longest signed value accepted; longer input is refused before any work. */
  maxSize?: number;
  /** Largest inflated payload accepted (zip-bomb guard). */
  maxDecompressedSize?: number;
}

/** `django.core.signing.Signer`: `value:signature`, signature = b64url(HMAC(salt + "signer", key)). */
export class Signer {
  readonly key: BytesLike;
  readonly fallbackKeys: readonly BytesLike[];
  readonly sep: string;
  readonly salt: string;
  readonly algorithm: HmacAlgorithm;
  readonly legacyAlgorithm: HmacAlgorithm | null;

  constructor(options: SignerOptions) {
    if (!options || options.key === undefined || options.key === null || options.key.length === 0) {
      throw new ImproperlyConfigured('Signer needs a non-empty key (SECRET_KEY)');
    }
    this.key = options.key;
    this.fallbackKeys = options.fallbackKeys ?? [];
    this.sep = options.sep ?? ':';
    if (SEP_UNSAFE.test(this.sep)) {
      throw new ImproperlyConfigured(`Unsafe Signer separator: "${this.sep}" (cannot be empty or consist of only A-z0-9-_=)`);
    }
    // Like Django, an empty salt means the default one.
    this.salt = options.salt || this.defaultSalt();
    this.algorithm = options.algorithm ?? 'sha256';
    assertHmacAlgorithm(this.algorithm);
    this.legacyAlgorithm = options.legacyAlgorithm ?? null;
    if (this.legacyAlgorithm) assertHmacAlgorithm(this.legacyAlgorithm);
  }

  /** Python's default salt is "<module>.<ClassName>". */
  protected defaultSalt(): string {
    return 'django.core.signing.Signer';
  }

  signature(value: string, key: BytesLike = this.key, algorithm: HmacAlgorithm = this.algorithm): string {
    return b64UrlEncode(saltedHmac(this.salt + 'signer', value, key, algorithm));
  }

  sign(value: string): string {
    return `${value}${this.sep}${this.signature(value)}`;
  }

  unsign(signedValue: string): string {
    if (typeof signedValue !== 'string') throw new BadSignature('Signed value must be a string');
    const at = signedValue.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature(`No "${this.sep}" found in value`);
    const value = signedValue.slice(0, at);
    const sig = signedValue.slice(at + this.sep.length);
    // Django's `signature(value, key or self.key)` makes an empty fallback key a no-op; skip it too.
    for (const key of [this.key, ...this.fallbackKeys.filter((k) => k.length > 0)]) {
      if (constantTimeCompare(sig, this.signature(value, key))) return value;
      if (this.legacyAlgorithm && constantTimeCompare(sig, this.signature(value, key, this.legacyAlgorithm))) return value;
    }
    throw new BadSignature(`Signature "${sig}" does not match`);
  }

  /** Serialize, optionally compress, base64 and sign (`Signer.sign_object`). */
  signObject(obj: unknown, options: SignObjectOptions = {}): string {
    return this.sign(encodePayload(obj, options));
  }

  /** Verify, then decode what {@link signObject} made. */
  unsignObject(signedObj: string, options: UnsignObjectOptions = {}): unknown {
    checkSize(signedObj, options.maxSize);
    return decodePayload(this.unsign(signedObj), options);
  }
}

/** Serializer bytes -> "[.]base64url", compressing only when it saves at least two bytes, as Django does. */
export function encodePayload(obj: unknown, { serializer = JSONSerializer, compress = false }: SignObjectOptions): string {
  let data: Buffer = Buffer.from(assertSerializer(serializer).dumps(obj));
  let compressed = false;
  if (compress) {
    const z = zlibCompress(data);
    if (z.length < data.length - 1) {
      data = z;
      compressed = true;
    }
  }
  return (compressed ? '.' : '') + b64UrlEncode(data);
}

/** Inverse of {@link encodePayload}, with bounded inflation. */
export function decodePayload(payload: string, { serializer = JSONSerializer, maxDecompressedSize = DEFAULT_MAX_DECOMPRESSED_SIZE }: UnsignObjectOptions): unknown {
  const compressed = payload.startsWith('.');
  let data: Buffer = b64UrlDecode(compressed ? payload.slice(1) : payload);
  if (compressed) data = zlibDecompress(data, maxDecompressedSize);
  try {
    return assertSerializer(serializer).loads(data);
  } catch (err) {
    if (err instanceof SerializationError) throw err;
    throw new SerializationError(`Could not deserialize signed data: ${(err as Error).message}`);
  }
}

export function checkSize(value: unknown, maxSize = DEFAULT_MAX_SIGNED_SIZE): void {
  if (typeof value !== 'string') throw new BadSignature('Signed value must be a string');
  if (value.length > maxSize) throw new BadSignature(`Signed value is longer than ${maxSize} characters`);
}
