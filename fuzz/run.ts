/**
 * The long fuzz run: `npm run fuzz -- [--minutes 15 | --seconds N] [--seed N] [--targets a,b] [--jobs 2]`.
 * Each target gets an equal share of the time in its own worker threads (up to --jobs at once),
 * findings go to fuzz/crashes/ (the regression corpus the short run replays) and a summary to
 * fuzz/last-run.json. Env: FUZZ_SEED, FUZZ_MINUTES, FUZZ_TARGETS, FUZZ_JOBS (flags win).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_DIR } from './lib/corpus.js';
import { randomSeed } from './lib/rng.js';
import { superviseFuzz, type SuperviseResult } from './lib/supervisor.js';
import { TARGETS } from './targets/index.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(flag('seed') ?? process.env.FUZZ_SEED ?? randomSeed()) >>> 0;
const seconds = Number(flag('seconds') ?? (Number(flag('minutes') ?? process.env.FUZZ_MINUTES ?? 15) * 60));
const jobs = Math.max(1, Number(flag('jobs') ?? process.env.FUZZ_JOBS ?? 1));
const names = (flag('targets') ?? process.env.FUZZ_TARGETS ?? 'all').split(',').map((s) => s.trim());
const targets = names.includes('all') ? TARGETS.map((t) => t.name) : names;
const perTarget = seconds / Math.ceil(targets.length / jobs);

console.log(`fuzz: seed ${seed}, ${targets.length} targets, ${Math.round(seconds)} s (${perTarget.toFixed(0)} s each), ${jobs} job(s). Replay: --seed ${seed} --targets ...`);
const started = Date.now();
const results = new Map<string, SuperviseResult>();
const queue = targets.map((name, i) => ({ name, seed: (seed + i * 0x632be5ab) >>> 0 }));
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { name, seed: s } = job;
      console.log(`fuzz: ${name} (seed ${s}) for ${perTarget.toFixed(0)} s`);
      const result = await superviseFuzz({ target: name, seed: s, seconds: perTarget, log: (l) => console.log(l) });
      results.set(name, result);
    }
  }),
);

const rows = targets.map((name) => {
  const r = results.get(name)!;
  const inputs = r.stats.reduce((n, s) => n + s.inputs, 0);
  const secs = r.stats.reduce((n, s) => n + s.seconds, 0);
  return {
    target: name,
    seed: r.stats[0]?.seed ?? null,
    inputs,
    inputsPerSecond: secs > 0 ? Math.round(inputs / secs) : 0,
    corpus: Math.max(0, ...r.stats.map((s) => s.corpus)),
    outcomes: Math.max(0, ...r.stats.map((s) => s.outcomes)),
    findings: r.findings.map((f) => ({ kind: f.kind, detail: f.detail, file: f.file ? f.file.slice(FUZZ_DIR.length) : undefined })),
    restarts: r.restarts,
    worstMs: Math.max(0, ...r.stats.map((s) => s.worstMs)),
    worstTimeRatio: Math.max(0, ...r.stats.map((s) => s.worstTimeRatio)),
    maxHeapDeltaMb: Math.max(0, ...r.stats.map((s) => s.maxHeapDeltaMb)),
    rssMaxMb: Math.max(0, ...r.stats.map((s) => s.rssMaxMb)),
  };
});
const summary = {
  seed,
  startedAt: new Date(started).toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  jobs,
  node: process.version,
  totalInputs: rows.reduce((n, r) => n + r.inputs, 0),
  totalFindings: rows.reduce((n, r) => n + r.findings.length, 0),
  targets: rows,
};
const file = join(FUZZ_DIR, 'last-run.json');
writeFileSync(file, JSON.stringify(summary, null, 1) + '\n');
console.log('\n| target | inputs | inputs/s | corpus | findings | worst ms | worst time/bound |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.target} | ${r.inputs} | ${r.inputsPerSecond} | ${r.corpus} | ${r.findings.length} | ${r.worstMs} | ${r.worstTimeRatio} |`);
console.log(`\nfuzz: ${summary.totalInputs} inputs in ${summary.durationSeconds} s, ${summary.totalFindings} findings, seed ${seed}; summary in ${file}`);
process.exitCode = summary.totalFindings > 0 ? 1 : 0;
