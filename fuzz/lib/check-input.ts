import { DjangoBridgeError } from '../../libs/core/src/errors.js';
import { expansionBudget, heapBoundBytes, timeBoundMs } from './budget.js';
import { expandedSizeWithin } from './expanded-size.js';
import { type RunResult, type Target } from './target.js';

export type ViolationKind = 'untyped-error' | 'property' | 'slow' | 'memory' | 'amplification' | 'reencode-failed' | 'hang' | 'out-of-memory' | 'rss-growth';

export interface Violation {
  kind: ViolationKind;
  /** What broke, without the input-specific parts where possible (used to tell findings apart). */
  detail: string;
  ms?: number;
  heapMb?: number;
}

/** What one execution did: its outcome class (for the corpus) and any broken property. */
export interface Execution {
  signature: string;
  violation?: Violation;
  ms: number;
  heapDelta: number;
}

/**
 * Typed: a DjangoBridgeError whose causes, if any, are typed too. decodeSessionData wraps every
 * failure in SuspiciousSession, so a TypeError from inside a parser only shows as the cause.
 */
export function isTyped(err: unknown, depth = 0): boolean {
  if (!(err instanceof DjangoBridgeError)) return false;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || depth > 8 || isTyped(cause, depth + 1);
}

function innermost(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 8 && e instanceof DjangoBridgeError && (e as { cause?: unknown }).cause !== undefined; i++) e = (e as { cause?: unknown }).cause;
  return e;
}

/** "TypeError: x is not a function @ libs/core/src/...:12" with numbers and quoted text generalised. */
export function describeError(err: unknown): string {
  const e = innermost(err);
  if (!(e instanceof Error)) return `non-Error thrown: ${typeof e}`;
  const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/libs/core/src/'));
  const where = frame ? frame.replace(/^.*\/(libs\/core\/src\/[^):]+:\d+).*$/, '$1') : '?';
  return `${e.name}: ${generalise(e.message)} @ ${where}`;
}

export function generalise(message: string): string {
  return message.replace(/"[^"]*"|'[^']*'/g, '"…"').replace(/\d+/g, '#').slice(0, 100);
}

function shapeOf(value: unknown): string {
  if (value === undefined) return 'none';
  if (value === null || typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return `list${Math.min(value.length, 4)}`;
  const keys = Object.keys(value);
  return `${value.constructor?.name ?? 'dict'}${Math.min(keys.length, 4)}:${keys.slice(0, 2).join(',').slice(0, 24)}`;
}

/** Runs one input once and checks the properties that do not need a rerun. */
async function executeOnce(target: Target, input: Buffer): Promise<Execution> {
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let result: RunResult | undefined;
  let violation: Violation | undefined;
  let signature: string;
  try {
    const r = target.run(input);
    result = r instanceof Promise ? await r : r;
    signature = `ok:${shapeOf(result.value)}:${Math.floor(Math.log2(input.length + 1))}`;
    if (result.problem) violation = { kind: 'property', detail: result.problem };
    else if (result.value !== undefined && result.reencode) violation = checkReencode(result);
  } catch (err) {
    signature = `err:${err instanceof Error ? err.name : typeof err}:${err instanceof Error ? generalise(err.message).slice(0, 40) : ''}`;
    if (!isTyped(err)) violation = { kind: 'untyped-error', detail: describeError(err) };
  }
  const ms = performance.now() - t0;
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  return { signature, violation, ms, heapDelta };
}

/** The decoded value must re-encode, within the budget, in the serializer it came in. */
function checkReencode(result: RunResult): Violation | undefined {
  const budget = expansionBudget(result.serializedBytes);
  const measured = expandedSizeWithin(result.value, budget);
  if (!measured.within) return { kind: 'amplification', detail: `decoded value expands past ${budget} bytes (budget for ${result.serializedBytes} serialized bytes)` };
  try {
    const out = result.reencode!(result.value);
    if (out.length > budget) return { kind: 'amplification', detail: `re-encoded to ${out.length} bytes, budget ${budget}` };
  } catch (err) {
    return { kind: 'reencode-failed', detail: `${isTyped(err) ? 'typed' : 'untyped'} ${describeError(err)}` };
  }
  return undefined;
}

/**
 * Every property on one input: typed errors only, target checks, re-encoding within budget, time
 * under the size-proportional bound and heap growth under its bound. A slow or heavy first run is
 * retried twice (JIT warm-up, GC pauses) and reported only if the best attempt still breaks it.
 */
export async function checkInput(target: Target, input: Buffer): Promise<Execution> {
  const first = await executeOnce(target, input);
  if (first.violation) return first;
  const timeBound = timeBoundMs(input.length, target.timeBaseMs);
  const heapBound = heapBoundBytes(input.length);
  if (first.ms <= timeBound && first.heapDelta <= heapBound) return first;
  let bestMs = first.ms;
  let bestHeap = first.heapDelta;
  for (let i = 0; i < 2 && (bestMs > timeBound || bestHeap > heapBound); i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const again = await executeOnce(target, input);
    bestMs = Math.min(bestMs, again.ms);
    bestHeap = Math.min(bestHeap, again.heapDelta);
  }
  const heapMb = Math.round(bestHeap / 1e5) / 10;
  const ms = Math.round(bestMs * 10) / 10;
  if (bestMs > timeBound) return { ...first, violation: { kind: 'slow', detail: `${ms} ms > bound ${timeBound.toFixed(1)} ms for ${input.length} bytes`, ms, heapMb } };
  if (bestHeap > heapBound) return { ...first, violation: { kind: 'memory', detail: `heap grew ${heapMb} MB > bound ${(heapBound / 1e6).toFixed(1)} MB for ${input.length} bytes`, ms, heapMb } };
  return first;
}
