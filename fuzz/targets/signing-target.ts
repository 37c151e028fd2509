import { pythonJsonDumps, signing } from '@django-bridge/core';
import { b64UrlDecode } from '../../libs/core/src/crypto/base64.js';
import { zlibDecompress } from '../../libs/core/src/signing/compression.js';
import { decoderBudgetOptions, expansionBudget } from '../lib/budget.js';
import { djangoSeedsFor } from '../lib/corpus.js';
import { longIntProblem } from '../lib/python-int-digits.js';
import { type Target } from '../lib/target.js';
import { JSON_TOKENS, SIGNING_TOKENS } from './dictionaries.js';
import { FUZZ_SECRET_KEY, resign } from './signed-wrap.js';

const SALT = signing.DEFAULT_SIGNING_SALT;

/** Bytes behind the payload: what the JSON decoder sees (the inflated size when compressed). */
function serializedSize(inner: string): number {
  const payload = inner.slice(0, Math.max(0, inner.lastIndexOf(':')));
  try {
    const raw = b64UrlDecode(payload.startsWith('.') ? payload.slice(1) : payload);
    return payload.startsWith('.') ? zlibDecompress(raw).length : raw.length;
  } catch {
    return inner.length;
  }
}

/**
 * `signing.loads` on "payload:timestamp" texts (base64url, the "." zlib mark, base62 time) that
 * are mutated and then re-signed with the test key, so the mutations reach base64, zlib, the
 * timestamp and JSON rather than stopping at the signature.
 */
export const signingLoads: Target = {
  name: 'signing-loads',
  seeds: () => djangoSeedsFor('signing-loads'),
  dictionary: [...SIGNING_TOKENS, ...JSON_TOKENS],
  maxLength: 64 * 1024,
  run: (input) => {
    const inner = input.toString('latin1');
    const serializedBytes = serializedSize(inner);
    const budget = expansionBudget(serializedBytes);
    const value = signing.loads(resign(inner, SALT), { key: FUZZ_SECRET_KEY, salt: SALT, maxAge: null, ...decoderBudgetOptions(budget) });
    return { value, serializedBytes, reencode: (v) => pythonJsonDumps(v), problem: longIntProblem(value) };
  },
};
