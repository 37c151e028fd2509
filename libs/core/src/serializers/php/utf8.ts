// fatal: invalid UTF-8 is reported, not replaced; ignoreBOM: a leading U+FEFF is data, not a marker.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The string these bytes spell in UTF-8, or null if they are not valid UTF-8. */
export function decodeUtf8OrNull(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no unpaired surrogate, i.e. it encodes to UTF-8 without loss. */
export function isWellFormedUtf16(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
