/**
 * The fuzz suite's resource bounds, all in one place. Each is generous (measured figures in
 * fuzz/README.md): a violation means work that grows faster than the input, not a slow machine.
 * Every constant can be overridden by an environment variable of the same name.
 */
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return n;
};

export const BOUNDS = {
  /** Time per input: FUZZ_TIME_BASE_MS + FUZZ_TIME_US_PER_BYTE per input byte (re-encoding included). */
  timeBaseMs: num('FUZZ_TIME_BASE_MS', 40),
  timeUsPerByte: num('FUZZ_TIME_US_PER_BYTE', 4),
  /** Heap growth seen across one input: FUZZ_HEAP_BASE_MB + FUZZ_HEAP_BYTES_PER_BYTE per input byte. */
  heapBaseMb: num('FUZZ_HEAP_BASE_MB', 96),
  heapBytesPerByte: num('FUZZ_HEAP_BYTES_PER_BYTE', 2048),
  /** Process RSS, checked every FUZZ_RSS_EVERY inputs: at most FUZZ_RSS_GROWTH_MB above the first sample. */
  rssEvery: num('FUZZ_RSS_EVERY', 1000),
  rssGrowthMb: num('FUZZ_RSS_GROWTH_MB', 768),
  /** Re-encoded size of a decoded value: FUZZ_EXPANSION_FLOOR bytes + FUZZ_EXPANSION_RATIO x the serialized input. */
  expansionFloor: num('FUZZ_EXPANSION_FLOOR', 64 * 1024),
  expansionRatio: num('FUZZ_EXPANSION_RATIO', 64),
};

export function timeBoundMs(inputBytes: number, baseMs = BOUNDS.timeBaseMs): number {
  return baseMs + (BOUNDS.timeUsPerByte * inputBytes) / 1000;
}

export function heapBoundBytes(inputBytes: number): number {
  return BOUNDS.heapBaseMb * 1024 * 1024 + BOUNDS.heapBytesPerByte * inputBytes;
}

/** The most bytes a value decoded from `serializedBytes` of serialized data may re-encode to. */
export function expansionBudget(serializedBytes: number): number {
  return BOUNDS.expansionFloor + BOUNDS.expansionRatio * serializedBytes;
}

/**
 * The options every fuzzed decoder receives (decodeSessionData, signing.loads, unpickle,
 * phpUnserialize, pythonJsonLoads), spread into its options object: the suite's expansion budget
 * as the decoders' own `maxExpandedBytes`, so the property checks the bound the decoders enforce.
 * The property in check-input.ts still measures the re-encoded size itself.
 */
export function decoderBudgetOptions(budget: number): { maxExpandedBytes: number } {
  return { maxExpandedBytes: budget };
}
