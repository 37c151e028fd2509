/** What JWTAuthentication.get_raw_token makes of the header. */
export type SimpleJwtHeader =
  /** No header, an empty one, or another scheme: not this credential (None). */
  | { kind: 'absent' }
  | { kind: 'token'; token: string }
  /** One of AUTH_HEADER_TYPES without exactly one value after it. */
  | { kind: 'invalid' };

/** Python's bytes.split() separators: ASCII whitespace only. */
const PY_SPACE = /[\t\n\v\f\r ]+/;

/**
 * JWTAuthentication.get_raw_token: the header split as bytes.split() splits it; the first word must
 * be one of AUTH_HEADER_TYPES exactly (case matters, unlike DRF's Token keyword); then exactly one
 * more word. Node hands headers as latin-1 text, one character per byte, as WSGI does.
 */
export function parseSimpleJwtHeader(header: string | undefined, types: readonly string[]): SimpleJwtHeader {
  if (!header) return { kind: 'absent' };
  const parts = header.split(PY_SPACE).filter((p) => p.length > 0);
  if (parts.length === 0 || !types.includes(parts[0])) return { kind: 'absent' };
  if (parts.length !== 2) return { kind: 'invalid' };
  return { kind: 'token', token: parts[1] };
}
