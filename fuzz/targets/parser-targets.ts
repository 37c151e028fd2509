import { phpSerialize, phpUnserialize, pickleDumps, pythonJsonDumps, pythonJsonLoads, unpickle } from '@django-bridge/core';
import { decoderBudgetOptions, expansionBudget } from '../lib/budget.js';
import { djangoSeedsFor } from '../lib/corpus.js';
import { longIntProblem } from '../lib/python-int-digits.js';
import { fuzzText, textBytes, type Target } from '../lib/target.js';
import { JSON_TOKENS, PHP_TOKENS, PICKLE_TOKENS } from './dictionaries.js';
import { handMadePickles } from './pickle-seeds.js';

/** PHP's unserialize() format, straight into the reader. */
export const phpUnserializeTarget: Target = {
  name: 'php-unserialize',
  seeds: () => [...djangoSeedsFor('php-unserialize'), Buffer.from('a:2:{i:0;s:1:"a";i:1;d:0.5;}'), Buffer.from('b:0;'), Buffer.from('N;')],
  dictionary: PHP_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => ({ value: phpUnserialize(input, { ...decoderBudgetOptions(expansionBudget(input.length)) }), serializedBytes: input.length, reencode: (v) => phpSerialize(v) }),
};

/** The allow-list pickle reader, straight. */
export const unpickleTarget: Target = {
  name: 'unpickle',
  seeds: () => [...djangoSeedsFor('unpickle'), ...handMadePickles()],
  dictionary: PICKLE_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => ({ value: unpickle(input, { ...decoderBudgetOptions(expansionBudget(input.length)) }), serializedBytes: input.length, reencode: (v) => pickleDumps(v, { shareStrings: false }) }),
};

/** Python's json.loads rules (NaN, big ints, surrogate escapes), on any JS string. */
export const pythonJsonTarget: Target = {
  name: 'python-json',
  seeds: () => [...djangoSeedsFor('session-json').map((b) => textBytes(b.toString('latin1'))), textBytes('[1e400,-0,"\\udfff\u00e9\u4e2d",{"":[]}]')],
  dictionary: JSON_TOKENS,
  maxLength: 64 * 1024,
  run: (input) => {
    const text = fuzzText(input);
    const value = pythonJsonLoads(text);
    return { value, serializedBytes: text.length, reencode: (v) => pythonJsonDumps(v), problem: longIntProblem(value) };
  },
};
