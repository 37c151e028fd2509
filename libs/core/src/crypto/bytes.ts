/** Python's `force_bytes`: strings become UTF-8, byte arrays are used unchanged. */
export type BytesLike = string | Uint8Array;

export function toBytes(value: BytesLike): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
