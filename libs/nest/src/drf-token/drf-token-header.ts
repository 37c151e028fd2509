/**
 * DRF's TokenAuthentication.authenticate, up to the database lookup: how an `Authorization` header
 * is read. The messages are DRF's (rest_framework/authentication.py, unchanged from 3.14 to 3.18).
 */
export const DRF_TOKEN_MESSAGES = {
  noCredentials: 'Invalid token header. No credentials provided.',
  spaces: 'Invalid token header. Token string should not contain spaces.',
  invalidCharacters: 'Invalid token header. Token string should not contain invalid characters.',
  invalidToken: 'Invalid token.',
  inactive: 'User inactive or deleted.',
} as const;

export type DrfTokenHeader =
  /** No header, or another scheme: this credential is not present (DRF returns None). */
  | { kind: 'absent' }
  /** The keyword and a decoded key, to look up. */
  | { kind: 'key'; key: string }
  /** The keyword with a malformed value: AuthenticationFailed with DRF's message. */
  | { kind: 'invalid'; message: string };

/** Python's bytes.split() separators: ASCII whitespace only (\t \n \v \f \r and space). */
function isPythonSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** bytes.lower(): only A-Z change. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// Python's strict 'utf-8' codec: overlong forms, surrogates and values past U+10FFFF are errors,
// and a leading BOM is kept as U+FEFF (TextDecoder would drop it unless told not to).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The first words of the header, split as bytes.split() splits: at most three are collected,
 * because DRF only asks whether there are one, two or more.
 */
function firstWords(bytes: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= bytes.length && words.length < 3; i++) {
    const space = i === bytes.length || isPythonSpace(bytes.charCodeAt(i));
    if (space && start >= 0) {
      words.push(bytes.slice(start, i));
      start = -1;
    } else if (!space && start < 0) {
      start = i;
    }
  }
  return words;
}

/**
 * Reads `Authorization` as DRF does. Node gives header values as latin-1 text (one character per
 * byte), which is what WSGI hands Django and DRF encodes back to bytes, so the characters here are
 * DRF's bytes. A character past U+00FF cannot come off the wire; it is treated as a byte that is
 * never valid UTF-8 (refused), where DRF would fail with a 500.
 */
export function parseDrfTokenHeader(header: string | undefined, keyword: string): DrfTokenHeader {
  if (!header) return { kind: 'absent' };
  const bytes = header.replace(/[^\x00-\xff]/g, '\xff');
  const words = firstWords(bytes);
  if (words.length === 0 || asciiLower(words[0]) !== keyword.toLowerCase()) return { kind: 'absent' };
  if (words.length === 1) return { kind: 'invalid', message: DRF_TOKEN_MESSAGES.noCredentials };
  if (words.length > 2) return { kind: 'invalid', message: DRF_TOKEN_MESSAGES.spaces };
  try {
    return { kind: 'key', key: utf8.decode(Buffer.from(words[1], 'latin1')) };
  } catch {
    return { kind: 'invalid', message: DRF_TOKEN_MESSAGES.invalidCharacters };
  }
}
