import { parentPort, workerData } from 'node:worker_threads';
import { targetNamed } from '../targets/index.js';
import { checkInput } from './check-input.js';
import { fuzzTarget, type Finding } from './engine.js';
import { InflightInput } from './inflight-input.js';

/** What the supervisor asks of one worker: fuzz a target, or replay saved inputs. */
export interface WorkerJob {
  target: string;
  seed: number;
  iterations?: number;
  deadline?: number;
  replay?: string[];
  shared: SharedArrayBuffer;
}

const job = workerData as WorkerJob;
const inflight = new InflightInput(job.shared);
const send = (message: unknown) => parentPort!.postMessage(message);
const wire = (f: Finding) => ({ ...f, input: f.input.toString('base64') });

const target = targetNamed(job.target);
if (job.replay) {
  for (let i = 0; i < job.replay.length; i++) {
    const input = Buffer.from(job.replay[i], 'base64');
    inflight.set(input);
    const exec = await checkInput(target, input);
    send({ type: 'replayed', index: i, violation: exec.violation ?? null, ms: exec.ms });
  }
  send({ type: 'done', stats: null });
} else {
  const stats = await fuzzTarget(target, {
    seed: job.seed,
    iterations: job.iterations,
    deadline: job.deadline,
    onInput: (input) => inflight.set(input),
    onFinding: (finding) => send({ type: 'finding', finding: wire(finding) }),
    onProgress: (s) => send({ type: 'progress', stats: s }),
  });
  send({ type: 'done', stats });
}
