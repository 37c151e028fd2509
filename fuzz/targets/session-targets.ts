import { DEFAULT_SESSION_SALT, decodeSessionData, phpSerialize, pickleDumps, pythonJsonDumps, type SessionSerializerName } from '@django-bridge/core';
import { legacyEncode, legacySaltFor } from '../../libs/core/src/session/legacy-session-data.js';
import { djangoSeedsFor } from '../lib/corpus.js';
import { decoderBudgetOptions, expansionBudget } from '../lib/budget.js';
import { longIntProblem } from '../lib/python-int-digits.js';
import { type RunResult, type Target } from '../lib/target.js';
import { BASE64_TOKENS, JSON_TOKENS, PHP_TOKENS, PICKLE_TOKENS, SIGNING_TOKENS } from './dictionaries.js';
import { handMadePickles } from './pickle-seeds.js';
import { FUZZ_SECRET_KEY, signSerialized } from './signed-wrap.js';

/** How a save would write each serializer's session back (pickle: the signed_cookies writer's settings). */
const REENCODE: Record<SessionSerializerName, (value: unknown) => Uint8Array | string> = {
  json: (value) => pythonJsonDumps(value),
  php: (value) => phpSerialize(value),
  pickle: (value) => pickleDumps(value, { shareStrings: false }),
};

function decode(text: string, serializer: SessionSerializerName, serializedBytes: number, acceptLegacy = false): RunResult {
  const budget = expansionBudget(serializedBytes);
  const value = decodeSessionData(text, { secretKey: FUZZ_SECRET_KEY, serializer, acceptLegacy, ...decoderBudgetOptions(budget) });
  // json.loads refuses over-long ints; PHP ints are 64-bit and pickle's binary longs have no such limit.
  return { value, serializedBytes, reencode: REENCODE[serializer], problem: serializer === 'json' ? longIntProblem(value) : undefined };
}

const JSON_SEEDS = () => [...djangoSeedsFor('session-json'), Buffer.from('{}'), Buffer.from('{"a":[1,2.5,-0.0,NaN,Infinity,12345678901234567890123],"b":{"c":"\\ud83d\\ude00"}}')];

/** Signed JSON sessions (the default): the mutated JSON is compressed or not, then re-signed. */
export const sessionJson: Target = {
  name: 'session-json',
  seeds: JSON_SEEDS,
  dictionary: JSON_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => decode(signSerialized(input), 'json', input.length),
};

/** Signed pickle sessions (PickleSerializer sites): mutated pickles, re-signed. */
export const sessionPickle: Target = {
  name: 'session-pickle',
  seeds: () => [...djangoSeedsFor('session-pickle'), ...handMadePickles()],
  dictionary: PICKLE_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => decode(signSerialized(input), 'pickle', input.length),
};

/** php_serialize sessions (django-php-bridge): unsigned text, raw or as a Python bytes literal. */
export const sessionPhp: Target = {
  name: 'session-php',
  seeds: () => [...djangoSeedsFor('session-php'), Buffer.from(phpSerialize({ a: [1, 2.5, 'x'], b: { c: null, d: true } }))],
  dictionary: PHP_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => {
    const text = input.toString('utf8');
    return decode(text, 'php', Buffer.byteLength(text));
  },
};

/** The pre-3.1 format (base64 of "sha1hex:json"), re-hashed after mutation of the JSON. */
export const sessionLegacy: Target = {
  name: 'session-legacy',
  seeds: JSON_SEEDS,
  dictionary: JSON_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => decode(legacyEncode(input, FUZZ_SECRET_KEY, legacySaltFor(DEFAULT_SESSION_SALT)), 'json', input.length, true),
};

/**
 * Whole session texts as stored, NOT re-signed, with acceptLegacy: the signature check, the
 * fallback to the pre-3.1 format and its base64 decoder see the mutated text itself.
 */
export const sessionText: Target = {
  name: 'session-text',
  seeds: () => djangoSeedsFor('session-text'),
  dictionary: [...BASE64_TOKENS, ...SIGNING_TOKENS],
  maxLength: 96 * 1024,
  run: (input) => {
    const text = input.toString('latin1');
    return decode(text, 'json', text.length, true);
  },
};
