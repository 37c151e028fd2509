import { type Rng } from './rng.js';

/**
 * Seeded byte-level mutations in the spirit of libFuzzer's: bit flips, byte insert/delete, chunk
 * copy and repeat, splices with other corpus entries, dictionary tokens of the target's format,
 * and length-field tweaks (ASCII digit runs such as PHP's `s:5:` and pickle's binary lengths).
 * Each input gets one to eight stacked mutations, mostly few.
 */
export interface MutateContext {
  rng: Rng;
  /** Format tokens (opcodes, keywords, separators) inserted or overwritten whole. */
  dictionary: readonly Buffer[];
  /** Other inputs to splice with. */
  corpus: readonly Buffer[];
  /** Longest input produced. */
  maxLength: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x22, 0x27, 0x3a, 0x3b, 0x5c, 0x7b, 0x7d, 0x2e];
const INTERESTING_INTS = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
const INTERESTING_TEXT = ['0', '-0', '-1', '1', '9', '10', '127', '128', '255', '256', '4300', '4301', '65535', '65536', '2147483647', '2147483648', '-2147483649', '4294967296', '9007199254740991', '9007199254740993', '18446744073709551616', '1e308', '1e309', '-1e-400', '00', '01', '+1', ' 1', '1_0', '0x10'];

type Mutation = (input: Buffer, ctx: MutateContext) => Buffer;

const at = (input: Buffer, ctx: MutateContext, extra = 0) => ctx.rng.int(input.length + extra);

function insert(input: Buffer, pos: number, chunk: Buffer): Buffer {
  return Buffer.concat([input.subarray(0, pos), chunk, input.subarray(pos)]);
}

function replace(input: Buffer, pos: number, len: number, chunk: Buffer): Buffer {
  return Buffer.concat([input.subarray(0, pos), chunk, input.subarray(pos + len)]);
}

function chunkOf(input: Buffer, ctx: MutateContext): [number, number] {
  const pos = at(input, ctx);
  const len = Math.min(input.length - pos, 1 + ctx.rng.powerLaw(6));
  return [pos, len];
}

const MUTATIONS: readonly Mutation[] = [
  // Bit flip
  (input, ctx) => {
    if (input.length === 0) return Buffer.from([ctx.rng.u32() & 0xff]);
    const out = Buffer.from(input);
    out[at(input, ctx)] ^= 1 << ctx.rng.int(8);
    return out;
  },
  // Random or interesting byte
  (input, ctx) => {
    if (input.length === 0) return Buffer.from([ctx.rng.pick(INTERESTING_BYTES)]);
    const out = Buffer.from(input);
    out[at(input, ctx)] = ctx.rng.chance(0.5) ? ctx.rng.u32() & 0xff : ctx.rng.pick(INTERESTING_BYTES);
    return out;
  },
  // Insert random bytes
  (input, ctx) => insert(input, at(input, ctx, 1), ctx.rng.bytes(1 + ctx.rng.powerLaw(3))),
  // Delete a range
  (input, ctx) => {
    const [pos, len] = chunkOf(input, ctx);
    return replace(input, pos, len, Buffer.alloc(0));
  },
  // Copy a chunk elsewhere
  (input, ctx) => {
    const [pos, len] = chunkOf(input, ctx);
    return insert(input, at(input, ctx, 1), Buffer.from(input.subarray(pos, pos + len)));
  },
  // Repeat a chunk many times: finds quadratic scans and amplifying references
  (input, ctx) => {
    const [pos, len] = chunkOf(input, ctx);
    const chunk = input.subarray(pos, pos + Math.min(len, 16));
    const times = 2 + ctx.rng.powerLaw(14);
    return insert(input, pos, Buffer.from(chunk.toString('latin1').repeat(times), 'latin1'));
  },
  // Insert a dictionary token (sometimes many in a row)
  (input, ctx) => {
    if (ctx.dictionary.length === 0) return input;
    const token = ctx.rng.pick(ctx.dictionary);
    const times = ctx.rng.chance(0.1) ? 2 + ctx.rng.powerLaw(12) : 1;
    return insert(input, at(input, ctx, 1), times === 1 ? token : Buffer.from(token.toString('latin1').repeat(times), 'latin1'));
  },
  // Repeat a dictionary token where the input already has it (a memo reference, "=" padding,
  // an array opener): the cheapest way to reach amplification and quadratic paths
  (input, ctx) => {
    for (let tries = 0; tries < 8 && ctx.dictionary.length > 0; tries++) {
      const token = ctx.rng.pick(ctx.dictionary);
      const first = input.indexOf(token, ctx.rng.int(input.length + 1));
      const pos = first >= 0 ? first : input.indexOf(token);
      if (pos < 0) continue;
      const times = 2 + ctx.rng.powerLaw(15);
      return insert(input, pos, Buffer.from(token.toString('latin1').repeat(Math.min(times, Math.floor(ctx.maxLength / Math.max(1, token.length)))), 'latin1'));
    }
    return input;
  },
  // Overwrite with a dictionary token
  (input, ctx) => {
    if (ctx.dictionary.length === 0) return input;
    const token = ctx.rng.pick(ctx.dictionary);
    const pos = at(input, ctx);
    return replace(input, pos, Math.min(token.length, input.length - pos), token);
  },
  // Splice with another corpus entry
  (input, ctx) => {
    if (ctx.corpus.length === 0) return input;
    const other = ctx.rng.pick(ctx.corpus);
    return Buffer.concat([input.subarray(0, at(input, ctx, 1)), other.subarray(ctx.rng.int(other.length + 1))]);
  },
  // Insert a chunk of another corpus entry
  (input, ctx) => {
    if (ctx.corpus.length === 0) return input;
    const other = ctx.rng.pick(ctx.corpus);
    const [pos, len] = chunkOf(other, ctx);
    return insert(input, at(input, ctx, 1), other.subarray(pos, pos + len));
  },
  // Length-field tweak, text: an ASCII digit run becomes an interesting or nearby number
  (input, ctx) => {
    const text = input.toString('latin1');
    const runs = [...text.matchAll(/-?\d+/g)];
    if (runs.length === 0) return insert(input, at(input, ctx, 1), Buffer.from(ctx.rng.pick(INTERESTING_TEXT), 'latin1'));
    const run = ctx.rng.pick(runs);
    const n = Number(run[0]);
    const choices = [String(n + 1), String(n - 1), String(n * 2), String(Math.floor(n / 2)), ctx.rng.pick(INTERESTING_TEXT), '9'.repeat(1 + ctx.rng.powerLaw(13))];
    return replace(input, run.index!, run[0].length, Buffer.from(ctx.rng.pick(choices), 'latin1'));
  },
  // Length-field tweak, binary: a little- or big-endian 1, 2 or 4-byte integer
  (input, ctx) => {
    if (input.length === 0) return input;
    const width = ctx.rng.pick([1, 2, 4]);
    const pos = ctx.rng.int(Math.max(1, input.length - width + 1));
    const out = Buffer.from(input);
    if (pos + width > out.length) return out;
    const value = ctx.rng.chance(0.7) ? ctx.rng.pick(INTERESTING_INTS) : ctx.rng.u32();
    const max = 2 ** (8 * width);
    const v = value % max;
    if (width === 1) out.writeUInt8(v, pos);
    else if (width === 2) (ctx.rng.chance(0.5) ? out.writeUInt16LE(v, pos) : out.writeUInt16BE(v, pos));
    else (ctx.rng.chance(0.5) ? out.writeUInt32LE(v, pos) : out.writeUInt32BE(v, pos));
    return out;
  },
  // Truncate
  (input, ctx) => input.subarray(0, at(input, ctx)),
  // Swap two chunks
  (input, ctx) => {
    const [p1, l1] = chunkOf(input, ctx);
    const [p2, l2] = chunkOf(input, ctx);
    if (p1 + l1 > p2 || l1 === 0 || l2 === 0) return input;
    return Buffer.concat([input.subarray(0, p1), input.subarray(p2, p2 + l2), input.subarray(p1 + l1, p2), input.subarray(p1, p1 + l1), input.subarray(p2 + l2)]);
  },
];

export const MUTATION_COUNT = MUTATIONS.length;

export function mutate(input: Buffer, ctx: MutateContext): Buffer {
  let out = input;
  const rounds = 1 + ctx.rng.powerLaw(3) % 8;
  for (let i = 0; i < rounds; i++) {
    out = MUTATIONS[ctx.rng.int(MUTATIONS.length)](out, ctx);
    if (out.length > ctx.maxLength) out = out.subarray(0, ctx.maxLength);
  }
  return out;
}
