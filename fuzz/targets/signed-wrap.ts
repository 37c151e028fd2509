import { DEFAULT_SESSION_SALT, Signer } from '@django-bridge/core';
import { b64UrlEncode } from '../../libs/core/src/crypto/base64.js';
import { b62Encode } from '../../libs/core/src/crypto/base62.js';
import { zlibCompress } from '../../libs/core/src/signing/compression.js';

/** The test key every signed fuzz input is signed with (the seeds' key too). */
export const FUZZ_SECRET_KEY = 'fuzz-secret-key-not-for-production';
/** Signing timestamp of every re-signed input (seconds); decoding is done without maxAge. */
export const FUZZ_TIMESTAMP = 1_700_000_000;

const signers = new Map<string, Signer>();

/** Signs `inner` as Signer.sign does with this salt: the mutation reaches what is behind the signature. */
export function resign(inner: string, salt: string = DEFAULT_SESSION_SALT): string {
  let signer = signers.get(salt);
  if (!signer) signers.set(salt, (signer = new Signer({ key: FUZZ_SECRET_KEY, salt })));
  return signer.sign(inner);
}

/**
 * `signing.dumps` around already-serialized (mutated) bytes: [.]base64url(zlib?) + ":" + timestamp,
 * then signed. Whether to compress is a function of the input (its length's parity), so a saved
 * input replays identically and both paths are fuzzed.
 */
export function signSerialized(serialized: Buffer, salt: string = DEFAULT_SESSION_SALT): string {
  const compress = serialized.length % 2 === 0;
  const payload = compress ? '.' + b64UrlEncode(zlibCompress(serialized)) : b64UrlEncode(serialized);
  return resign(`${payload}:${b62Encode(FUZZ_TIMESTAMP)}`, salt);
}
