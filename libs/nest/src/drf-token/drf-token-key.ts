import { randomBytes } from 'node:crypto';

/** `Token.key` is a CharField(max_length=40), the table's primary key. */
export const DRF_TOKEN_KEY_LENGTH = 40;

/** `Token.generate_key`: 20 random bytes as 40 lower-case hex digits (os.urandom / secrets.token_hex). */
export function generateDrfTokenKey(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Whether a key is worth asking the table about: 1 to 40 printable ASCII characters. Django only
 * ever makes hex keys; anything else (a longer value, control or non-ASCII characters) cannot be a
 * stored key, so it is refused without a query rather than handed to a driver or collation.
 */
export function isPossibleDrfTokenKey(key: unknown): key is string {
  return typeof key === 'string' && key.length > 0 && key.length <= DRF_TOKEN_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}
