import { BOUNDS, timeBoundMs } from './budget.js';
import { checkInput, generalise, type Violation } from './check-input.js';
import { mutate } from './mutator.js';
import { Rng } from './rng.js';
import { type Target } from './target.js';

export interface Finding extends Violation {
  target: string;
  seed: number;
  iteration: number;
  input: Buffer;
}

export interface FuzzOptions {
  seed: number;
  /** Stop after this many mutated inputs... */
  iterations?: number;
  /** ...or at this time (ms since the epoch), whichever comes first. */
  deadline?: number;
  /** Called with every input before it runs (the supervisor keeps it in shared memory). */
  onInput?: (input: Buffer) => void;
  onFinding?: (finding: Finding) => void;
  onProgress?: (stats: FuzzStats) => void;
}

export interface FuzzStats {
  target: string;
  seed: number;
  inputs: number;
  seeds: number;
  corpus: number;
  outcomes: number;
  findings: number;
  /** Slowest input relative to its time bound (1 = at the bound). */
  worstTimeRatio: number;
  worstMs: number;
  maxHeapDeltaMb: number;
  rssStartMb: number;
  rssMaxMb: number;
  seconds: number;
}

const MAX_CORPUS = 4096;
const MB = 1024 * 1024;

/** A finding is reported once per kind and outcome class, so one bug does not flood the run. */
export function findingKey(target: string, v: Violation, signature: string): string {
  // Slowness is keyed by the outcome's error type only: one quadratic path fails with many messages.
  return `${target}|${v.kind}|${v.kind === 'slow' || v.kind === 'memory' ? signature.split(':').slice(0, 2).join(':') : generalise(v.detail)}`;
}

/**
 * Seeded mutation fuzzing of one target. Seeds run first (they must all pass), then mutants of
 * corpus entries. Feedback without instrumentation: an input whose outcome class (result shape,
 * or error type and message) is new joins the corpus, so inputs that get further are mutated further.
 */
export async function fuzzTarget(target: Target, options: FuzzOptions): Promise<FuzzStats> {
  const started = Date.now();
  const rng = new Rng(options.seed);
  const seeds = target.seeds();
  const corpus: Buffer[] = seeds.length > 0 ? [...seeds] : [Buffer.alloc(0)];
  // Inputs that decoded: mutating these keeps reaching deep code, where the error-class entries of
  // `corpus` mostly stop early. Picked from seeds 20%, decoded 50%, everything 30%.
  const decoded: Buffer[] = [...corpus];
  const pickBase = (): Buffer => {
    const r = rng.int(10);
    if (r < 2) return rng.pick(seeds.length > 0 ? seeds : corpus);
    if (r < 7) return rng.pick(decoded);
    return rng.pick(corpus);
  };
  const outcomes = new Set<string>();
  const reported = new Set<string>();
  const rssStart = process.memoryUsage.rss();
  const stats: FuzzStats = { target: target.name, seed: options.seed, inputs: 0, seeds: seeds.length, corpus: corpus.length, outcomes: 0, findings: 0, worstTimeRatio: 0, worstMs: 0, maxHeapDeltaMb: 0, rssStartMb: Math.round(rssStart / MB), rssMaxMb: Math.round(rssStart / MB), seconds: 0 };
  const ctx = { rng, dictionary: target.dictionary, corpus, maxLength: target.maxLength };
  const iterations = options.iterations ?? Number.POSITIVE_INFINITY;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  let lastProgress = started;

  const runOne = async (input: Buffer, iteration: number, isSeed: boolean) => {
    options.onInput?.(input);
    const exec = await checkInput(target, input);
    stats.inputs++;
    const ratio = exec.ms / timeBoundMs(input.length, target.timeBaseMs);
    if (ratio > stats.worstTimeRatio) stats.worstTimeRatio = Math.round(ratio * 1000) / 1000;
    if (exec.ms > stats.worstMs) stats.worstMs = Math.round(exec.ms * 10) / 10;
    if (exec.heapDelta / MB > stats.maxHeapDeltaMb) stats.maxHeapDeltaMb = Math.round(exec.heapDelta / MB);
    if (!outcomes.has(exec.signature)) {
      outcomes.add(exec.signature);
      if (!isSeed) {
        const pool = exec.signature.startsWith('ok:') && !exec.violation ? decoded : corpus;
        if (pool.length < MAX_CORPUS) pool.push(input);
        else pool[rng.int(pool.length)] = input;
      }
    }
    if (exec.violation) {
      const key = findingKey(target.name, exec.violation, exec.signature);
      if (!reported.has(key)) {
        reported.add(key);
        stats.findings++;
        options.onFinding?.({ ...exec.violation, target: target.name, seed: options.seed, iteration, input });
      }
    }
    if (stats.inputs % BOUNDS.rssEvery === 0) {
      const rss = process.memoryUsage.rss();
      stats.rssMaxMb = Math.max(stats.rssMaxMb, Math.round(rss / MB));
      if (rss - rssStart > BOUNDS.rssGrowthMb * MB) {
        const v: Violation = { kind: 'rss-growth', detail: `RSS grew from ${Math.round(rssStart / MB)} MB to ${Math.round(rss / MB)} MB` };
        const key = `${target.name}|rss-growth`;
        if (!reported.has(key)) {
          reported.add(key);
          stats.findings++;
          options.onFinding?.({ ...v, target: target.name, seed: options.seed, iteration, input });
        }
      }
    }
  };

  for (let i = 0; i < seeds.length; i++) await runOne(seeds[i], -1 - i, true);
  for (let i = 0; i < iterations && Date.now() < deadline; i++) {
    await runOne(mutate(pickBase(), ctx), i, false);
    if (options.onProgress && Date.now() - lastProgress > 10_000) {
      lastProgress = Date.now();
      options.onProgress(finish(stats, corpus.length + decoded.length, outcomes.size, started));
    }
  }
  return finish(stats, corpus.length + decoded.length, outcomes.size, started);
}

function finish(stats: FuzzStats, corpus: number, outcomes: number, started: number): FuzzStats {
  return { ...stats, corpus, outcomes, seconds: Math.round((Date.now() - started) / 100) / 10 };
}
