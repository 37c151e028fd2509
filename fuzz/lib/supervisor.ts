import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CRASHES_DIR, type CrashRecord } from './corpus.js';
import { type Violation } from './check-input.js';
import { type FuzzStats } from './engine.js';
import { InflightInput } from './inflight-input.js';

const WORKER_ENTRY = new URL('../worker-entry.mjs', import.meta.url);

export interface SupervisedFinding extends Violation {
  target: string;
  seed: number;
  input: Buffer;
  /** Where it was saved under fuzz/crashes/, if saving is on. */
  file?: string;
}

export interface SuperviseOptions {
  target: string;
  seed: number;
  iterations?: number;
  /** Wall-clock budget for the whole target, restarts included. */
  seconds?: number;
  /** Heap of each worker thread: an input that needs more is an out-of-memory finding. */
  heapMb?: number;
  /** A single input running longer than this is a hang: the worker is terminated. */
  hangSeconds?: number;
  /** Write findings to fuzz/crashes/ (default true). */
  save?: boolean;
  log?: (line: string) => void;
}

export interface SuperviseResult {
  stats: FuzzStats[];
  findings: SupervisedFinding[];
  restarts: number;
}

/** Saves a finding as fuzz/crashes/<target>-<kind>-<sha1>.json (once per input). */
export function saveCrash(f: SupervisedFinding): string {
  mkdirSync(CRASHES_DIR, { recursive: true });
  const id = createHash('sha1').update(f.input).digest('hex').slice(0, 12);
  const file = join(CRASHES_DIR, `${f.target}-${f.kind}-${id}.json`);
  if (!existsSync(file)) {
    const record: CrashRecord = { target: f.target, kind: f.kind, detail: f.detail, seed: f.seed, input: f.input.toString('base64'), foundAt: new Date().toISOString() };
    writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  }
  return file;
}

interface WorkerOutcome {
  stats: FuzzStats | null;
  crashed?: Violation & { input: Buffer };
}

function runWorker(job: Record<string, unknown>, inflight: InflightInput, heapMb: number, hangMs: number, onMessage: (m: { type: string; [k: string]: unknown }) => void): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: { ...job, shared: inflight.shared }, resourceLimits: { maxOldGenerationSizeMb: heapMb }, stdout: false, stderr: false });
    let settled = false;
    let lastSeq = inflight.sequence;
    let lastChange = Date.now();
    const settle = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(outcome);
    };
    const watchdog = setInterval(() => {
      const seq = inflight.sequence;
      if (seq !== lastSeq) {
        lastSeq = seq;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > hangMs) {
        const input = inflight.get();
        void worker.terminate();
        settle({ stats: null, crashed: { kind: 'hang', detail: `one input ran over ${Math.round(hangMs / 1000)} s (worker terminated)`, input } });
      }
    }, 250);
    worker.on('message', (m) => {
      if (m.type === 'done') {
        settle({ stats: m.stats });
        void worker.terminate();
      } else onMessage(m);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const input = inflight.get();
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') settle({ stats: null, crashed: { kind: 'out-of-memory', detail: `worker heap (${heapMb} MB) exhausted`, input } });
      else settle({ stats: null, crashed: { kind: 'untyped-error', detail: `worker died: ${err.name}: ${err.message}`, input } });
    });
    worker.on('exit', (code) => settle({ stats: null, crashed: code === 0 ? undefined : { kind: 'untyped-error', detail: `worker exited with code ${code}`, input: inflight.get() } }));
  });
}

/**
 * Fuzzes one target in worker threads: a worker that runs out of heap or hangs on an input is
 * replaced (with a derived seed) and the input it died on becomes a finding, so one bad input
 * cannot end the run.
 */
export async function superviseFuzz(options: SuperviseOptions): Promise<SuperviseResult> {
  const log = options.log ?? (() => {});
  const heapMb = options.heapMb ?? 1024;
  const hangMs = (options.hangSeconds ?? 15) * 1000;
  const deadline = options.seconds !== undefined ? Date.now() + options.seconds * 1000 : undefined;
  const result: SuperviseResult = { stats: [], findings: [], restarts: 0 };
  const record = (f: SupervisedFinding) => {
    if (options.save !== false) f.file = saveCrash(f);
    result.findings.push(f);
    log(`FINDING ${f.target} ${f.kind}: ${f.detail} (seed ${f.seed}, ${f.input.length} bytes)${f.file ? ` -> ${f.file}` : ''}`);
  };
  let remaining = options.iterations;
  let seed = options.seed >>> 0;
  for (;;) {
    const inflight = new InflightInput();
    const outcome = await runWorker({ target: options.target, seed, iterations: remaining, deadline }, inflight, heapMb, hangMs, (m) => {
      if (m.type === 'finding') {
        const f = m.finding as SupervisedFinding & { input: string };
        record({ ...f, input: Buffer.from(f.input, 'base64') });
      } else if (m.type === 'progress') {
        const s = m.stats as FuzzStats;
        log(`  ${s.target}: ${s.inputs} inputs, ${s.corpus} in corpus, ${s.findings} findings, ${s.seconds} s`);
      }
    });
    if (outcome.stats) result.stats.push(outcome.stats);
    if (!outcome.crashed) break;
    record({ ...outcome.crashed, target: options.target, seed });
    // The dead worker's count is lost; go on with a new seed for what is left of the budget.
    result.restarts++;
    if (remaining !== undefined) remaining = Math.max(0, Math.floor(remaining / 2));
    if ((deadline !== undefined && Date.now() >= deadline) || remaining === 0 || result.restarts > 20) break;
    seed = (seed + 0x9e3779b9) >>> 0;
  }
  return result;
}

/** Replays saved inputs of one target in a worker; a crash of the worker counts for the input it died on. */
export async function superviseReplay(target: string, inputs: Buffer[], options: { heapMb?: number; hangSeconds?: number } = {}): Promise<(Violation | null)[]> {
  const out: (Violation | null)[] = inputs.map(() => null);
  let start = 0;
  while (start < inputs.length) {
    const inflight = new InflightInput();
    let next = start;
    const outcome = await runWorker({ target, seed: 0, replay: inputs.slice(start).map((b) => b.toString('base64')) }, inflight, options.heapMb ?? 1024, (options.hangSeconds ?? 15) * 1000, (m) => {
      if (m.type === 'replayed') {
        out[start + (m.index as number)] = (m.violation as Violation | null) ?? null;
        next = start + (m.index as number) + 1;
      }
    });
    if (!outcome.crashed) break;
    out[next] = { kind: outcome.crashed.kind, detail: outcome.crashed.detail };
    start = next + 1;
  }
  return out;
}
