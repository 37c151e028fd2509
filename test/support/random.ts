/**
 * Random inputs for every test that uses them, reproducible from one printed seed: each test file
 * draws from its own generator, seeded by TEST_SEED or at random, and prints the seed (and the
 * Django line) to replay it with.
 */
import { expect } from '@jest/globals';
import { basename } from 'node:path';
import { defaultDjangoLine } from '../django/django-line.js';

export const SEED = Number(process.env.TEST_SEED ?? Math.floor(Math.random() * 2 ** 32));
if (!Number.isSafeInteger(SEED) || SEED < 0) throw new Error(`TEST_SEED must be a non-negative integer, not "${process.env.TEST_SEED}"`);
const testFile = basename(expect.getState().testPath ?? 'unknown');
// eslint-disable-next-line no-console
console.log(`${testFile} seed: ${SEED} (replay with TEST_SEED=${SEED}) on Django ${defaultDjangoLine()}`);

/** sfc32, its four words filled from the seed by splitmix32. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
}
const next32 = generator(SEED);

/** A float in [0, 1) with 53 random bits. */
export function random(): number {
  return (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53;
}

/** Like node:crypto's randomInt: [0, max) or [min, max). */
export function randomInt(minOrMax: number, max?: number): number {
  const [lo, hi] = max === undefined ? [0, minOrMax] : [minOrMax, max];
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi <= lo) throw new RangeError(`randomInt(${lo}, ${hi})`);
  return lo + Math.floor(random() * (hi - lo));
}

export function randomBytes(length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => next32() & 0xff));
}

export function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)];
}

/** `length` characters drawn from `chars` (code units: keep `chars` in the BMP). */
export function randomString(chars: string, length: number): string {
  return Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
}

const SAMPLES = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u007f', 'é', 'ß', 'Ω', 'я', '中', '文', '€', '😀', '𝄞', '\u2028', '<', '>', '&', "'", ':', '.'];

/** Up to maxLength pieces: printable ASCII, with control, non-ASCII and astral characters mixed in. */
export function randomText(maxLength = 24): string {
  let out = '';
  for (let i = randomInt(maxLength + 1); i > 0; i--) out += randomInt(3) === 0 ? pick(SAMPLES) : String.fromCharCode(0x20 + randomInt(95));
  return out;
}

export function randomSecret(): string {
  return `django-insecure-${randomBytes(12).toString('base64url')}${randomText(8)}`;
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` base64url characters. */
export function randomToken(length: number): string {
  return randomString(URL_SAFE, length);
}

/** A SECRET_KEY that can travel in an environment variable (no NUL, no newline), non-ASCII included. */
export function randomEnvSecret(): string {
  return `django-insecure-${randomBytes(18).toString('base64url')}-é€-${randomInt(1e9)}`;
}

export function randomJsonValue(depth = 0): unknown {
  switch (randomInt(depth > 2 ? 5 : 7)) {
    case 0: return randomText();
    case 1: return randomInt(-1_000_000, 1_000_000);
    case 2: return pick([1.5, -0.25, 1e-7, 123456.789, 3.141592653589793, 1e300, 2.5e-5]);
    case 3: return pick([true, false, null]);
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

/** A session dict shaped like Django's login() leaves it, plus random extra keys. */
export function randomSession(): Record<string, unknown> {
  return {
    _auth_user_id: String(randomInt(1, 100000)),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: randomBytes(32).toString('hex'),
    ...randomDict(),
  };
}
