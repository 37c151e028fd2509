/**
 * The short fuzz run, part of the normal test command: every target of fuzz/ for a few seconds of
 * seeded mutations (in worker threads, so an input that exhausts the heap or hangs is caught and
 * named), then every saved crash in fuzz/crashes/ replayed as a regression test.
 *
 * Replay or lengthen: FUZZ_SEED=<printed seed> FUZZ_ITERATIONS=<n per target> (exact replay of
 * the first n mutants), FUZZ_SECONDS=<per target, default 5>, FUZZ_TARGETS=a,b.
 * The long run is `npm run fuzz` (fuzz/run.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { readCrashes } from '../../fuzz/lib/corpus.js';
import { randomSeed } from '../../fuzz/lib/rng.js';
import { superviseFuzz, superviseReplay } from '../../fuzz/lib/supervisor.js';
import { TARGETS } from '../../fuzz/targets/index.js';

const SEED = Number(process.env.FUZZ_SEED ?? randomSeed()) >>> 0;
const ITERATIONS = process.env.FUZZ_ITERATIONS ? Number(process.env.FUZZ_ITERATIONS) : undefined;
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 5);
const ONLY = process.env.FUZZ_TARGETS ? process.env.FUZZ_TARGETS.split(',').map((s) => s.trim()) : null;
const targets = TARGETS.filter((t) => !ONLY || ONLY.includes(t.name));
// With FUZZ_ITERATIONS the run is bounded by count (exact replay); the time limit is then only a backstop.
const seconds = ITERATIONS !== undefined ? Math.max(SECONDS, 600) : SECONDS;

console.log(`fuzz short run: seed ${SEED}, ${ITERATIONS ?? 'unbounded'} iterations / ${seconds} s per target. Replay: FUZZ_SEED=${SEED}`);

const targetSeed = (index: number) => (SEED + index * 0x632be5ab) >>> 0;

describe(`fuzz (seed ${SEED})`, () => {
  targets.forEach((target) => {
    const seed = targetSeed(TARGETS.indexOf(target));
    it(`${target.name}: only typed errors, bounded time, memory and re-encoded size (seed ${seed})`, async () => {
      const result = await superviseFuzz({ target: target.name, seed, iterations: ITERATIONS, seconds, log: (l) => console.log(l) });
      const inputs = result.stats.reduce((n, s) => n + s.inputs, 0);
      console.log(`fuzz ${target.name}: ${inputs} inputs, seed ${seed}, ${result.findings.length} findings, worst ${Math.max(0, ...result.stats.map((s) => s.worstMs))} ms`);
      expect(inputs).toBeGreaterThan(0);
      expect(result.findings.map((f) => `${f.kind}: ${f.detail} (seed ${f.seed}; saved to ${f.file})`)).toEqual([]);
    }, (seconds + 60) * 1000);
  });
});

describe('fuzz regression corpus (fuzz/crashes/)', () => {
  const crashes = readCrashes().filter(({ record }) => !ONLY || ONLY.includes(record.target));
  const byTarget = new Map<string, typeof crashes>();
  for (const c of crashes) byTarget.set(c.record.target, [...(byTarget.get(c.record.target) ?? []), c]);

  it('has a readable record for every saved crash', () => {
    for (const { file, record } of crashes) {
      expect({ file, ok: typeof record.input === 'string' && TARGETS.some((t) => t.name === record.target) }).toEqual({ file, ok: true });
    }
  });

  for (const [target, saved] of byTarget) {
    it(`${target}: ${saved.length} saved input(s) pass every property`, async () => {
      const verdicts = await superviseReplay(target, saved.map((c) => Buffer.from(c.record.input, 'base64')));
      const failing = verdicts.flatMap((v, i) => (v ? [`${saved[i].file.replace(/^.*\/fuzz\//, 'fuzz/')}: ${v.kind}: ${v.detail}`] : []));
      expect(failing).toEqual([]);
    }, 120_000);
  }
});
