import { pythonB64Decode } from '../crypto/python-b64decode.js';

/**
 * `urlsafe_base64_encode(force_bytes(user.pk))`: the `uidb64` of Django's reset links (URL-safe
 * base64 of the key's text, padding stripped).
 */
export function encodeUidb64(pk: number | string | bigint): string {
  return Buffer.from(String(pk), 'utf8').toString('base64url');
}

const MAX_UIDB64_LENGTH = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What PasswordResetConfirmView.get_user reads from a `uidb64` before looking the user up:
 * `urlsafe_base64_decode(uidb64).decode()`, or null where Django gets no user (bad base64, bytes
 * that are not UTF-8). Decoding follows Python's non-strict decoder as Django calls it: the text
 * is padded with `len % 4` "=" and bytes outside the alphabet are skipped. Over-long input is
 * refused before any work (a pk is never that long).
 */
export function decodeUidb64(uidb64: unknown): string | null {
  if (typeof uidb64 !== 'string' || uidb64.length > MAX_UIDB64_LENGTH) return null;
  // str.encode() raises on a lone surrogate, where Buffer.from would write U+FFFD.
  if (LONE_SURROGATE.test(uidb64)) return null;
  const bytes = Buffer.from(uidb64, 'utf8');
  // str.encode() then b64decode skips non-alphabet bytes, non-ASCII ones included; Django pads by byte length.
  const ascii = bytes.toString('latin1').replace(/[^\x00-\x7f]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const padded = ascii + '='.repeat(bytes.length % 4);
  let decoded: Buffer;
  try {
    decoded = pythonB64Decode(padded);
  } catch {
    return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(decoded);
  } catch {
    return null;
  }
}
