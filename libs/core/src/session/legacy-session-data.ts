import { b64Encode } from '../crypto/base64.js';
import { type BytesLike } from '../crypto/bytes.js';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { pythonB64Decode } from '../crypto/python-b64decode.js';
import { saltedHmac } from '../crypto/salted-hmac.js';
import { BadSignature } from '../errors.js';
import { type Serializer } from '../serializers/serializer.js';

/**
 * The pre-3.1 session format, `base64(hexSha1Hmac ":" serialized)`, read by Django 3.1/3.2 and written
 * by them when DEFAULT_HASHING_ALGORITHM = 'sha1'. Its salt is "django.contrib.sessions" + the
 * store's class name, with no dot (e.g. "django.contrib.sessionsSessionStore").
 */
export function legacySaltFor(salt: string): string {
  return 'django.contrib.sessions' + salt.slice(salt.lastIndexOf('.') + 1);
}

export function legacyEncode(data: Uint8Array, secretKey: BytesLike, legacySalt: string): string {
  const hash = saltedHmac(legacySalt, data, secretKey, 'sha1').toString('hex');
  return b64Encode(Buffer.concat([Buffer.from(hash + ':', 'ascii'), data]));
}

export function legacyDecode(text: string, keys: readonly BytesLike[], legacySalt: string, serializer: Serializer): unknown {
  // Django reads it with base64.b64decode, which skips stray characters: read it the same way,
  // in one linear pass (the HMAC below covers the decoded bytes, so leniency accepts nothing forged).
  const raw = pythonB64Decode(text);
  const sep = raw.indexOf(0x3a);
  if (sep < 0) throw new BadSignature('Legacy session data has no hash');
  const hash = raw.subarray(0, sep).toString('latin1');
  const serialized = raw.subarray(sep + 1);
  const ok = keys.some((key) => constantTimeCompare(hash, saltedHmac(legacySalt, serialized, key, 'sha1').toString('hex')));
  if (!ok) throw new BadSignature('Legacy session data hash does not match');
  return serializer.loads(serialized);
}
