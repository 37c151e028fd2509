/** Random inputs for ground-truth tests: every run varies secrets, passwords and data. */
import { randomBytes, randomInt } from 'node:crypto';

const SAMPLES = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u007f', 'é', 'ß', 'Ω', 'я', '中', '文', '€', '😀', '𝄞', '\u2028', '<', '>', '&', "'", ':', '.'];

export function randomText(maxLength = 24): string {
  const length = randomInt(maxLength + 1);
  let out = '';
  for (let i = 0; i < length; i++) out += randomInt(3) === 0 ? SAMPLES[randomInt(SAMPLES.length)] : String.fromCharCode(0x20 + randomInt(95));
  return out;
}

export function randomSecret(): string {
  return `django-insecure-${randomBytes(12).toString('base64url')}${randomText(8)}`;
}

export function randomJsonValue(depth = 0): unknown {
  const kind = randomInt(depth > 2 ? 5 : 7);
  switch (kind) {
    case 0: return randomText();
    case 1: return randomInt(-1_000_000, 1_000_000);
    case 2: return [1.5, -0.25, 1e-7, 123456.789, 3.141592653589793, 1e300, 2.5e-5][randomInt(7)];
    case 3: return [true, false, null][randomInt(3)];
    case 4: return randomText(200);
    case 5: return Array.from({ length: randomInt(4) }, () => randomJsonValue(depth + 1));
    default: return randomDict(depth + 1);
  }
}

export function randomDict(depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = randomInt(5); i > 0; i--) out[randomText(12)] = randomJsonValue(depth);
  return out;
}

/** A session dict the way Django's login() shapes it, plus random extra keys. */
export function randomSession(): Record<string, unknown> {
  return {
    _auth_user_id: String(randomInt(1, 100000)),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: randomBytes(32).toString('hex'),
    ...randomDict(),
  };
}

/** A SECRET_KEY that can travel in an environment variable (no NUL, no newline), non-ASCII included. */
export function randomEnvSecret(): string {
  return `django-insecure-${randomBytes(18).toString('base64url')}-é€-${randomInt(1e9)}`;
}
