/**
 * Calls the real Django (Debian's python3-django) to make or check ground truth.
 * There is no skip: if Django is missing the tests fail and say how to install it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'oracle.py');

export type OracleRequest = { op: string; [key: string]: unknown };
export type OracleResult = { ok?: unknown; error?: string };

function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$b64') return Buffer.from((value as { $b64: string }).$b64, 'base64');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}

/** Runs a batch of requests in one Python process; results come back in order. */
export function djangoBatch(requests: OracleRequest[]): OracleResult[] {
  if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} not found: install Debian's python3 and python3-django (see .ci/run)`);
  }
  const run = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(toWire(requests)), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) {
    throw new Error(`Django oracle failed (exit ${run.status}): ${run.stderr || run.error}\nInstall: apt-get install -y python3-django python3-argon2 python3-bcrypt python3-phpserialize`);
  }
  return fromWire(JSON.parse(run.stdout)) as OracleResult[];
}

/** One request; throws if Django raised. */
export function django<T = unknown>(request: OracleRequest): T {
  const [result] = djangoBatch([request]);
  if (result.error !== undefined) throw new Error(`Django raised ${result.error}`);
  return result.ok as T;
}

/** Many requests of which every one must succeed. */
export function djangoAll<T = unknown>(requests: OracleRequest[]): T[] {
  return djangoBatch(requests).map((r, i) => {
    if (r.error !== undefined) throw new Error(`Django raised on request ${i} (${requests[i].op}): ${r.error}`);
    return r.ok as T;
  });
}
