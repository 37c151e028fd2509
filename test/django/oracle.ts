/**
 * Calls a real Django to make or check ground truth: the line of DJANGO_LINE (see django-line.ts),
 * or the one a caller names. There is no skip: a line that cannot run fails the tests loudly.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pythonFor, type DjangoLine } from './django-line.js';

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

/** Runs a batch of requests in one Python process of the line; results come back in order. */
export function djangoBatch(requests: OracleRequest[], line?: DjangoLine): OracleResult[] {
  return runOracle(requests, line, {});
}

/**
 * The test project an oracle batch runs on (a DjangoProject from django-project.ts): its line and
 * the DJANGO_* variables of its settings and database.
 */
export interface OracleProject {
  readonly line: DjangoLine;
  processEnv(): Record<string, string>;
}

/**
 * Runs a batch on the test project's settings and database (oracle.py's project mode): the ops that
 * need DRF's and SimpleJWT's tables (ops_drf, ops_jwt, project_request, password_reset_* by username).
 * Migrate the project first.
 */
export function djangoProjectBatch(project: OracleProject, requests: OracleRequest[]): OracleResult[] {
  return runOracle(requests, project.line, { ...project.processEnv(), DJANGO_BRIDGE_ORACLE_PROJECT: '1' });
}

/** djangoProjectBatch of which every request must succeed. */
export function djangoProjectAll<T = unknown>(project: OracleProject, requests: OracleRequest[]): T[] {
  return djangoProjectBatch(project, requests).map((r, i) => {
    if (r.error !== undefined) throw new Error(`Django raised on request ${i} (${requests[i].op}): ${r.error}`);
    return r.ok as T;
  });
}

/** One project-mode request; throws if Django raised. */
export function djangoProject<T = unknown>(project: OracleProject, request: OracleRequest): T {
  return djangoProjectAll<T>(project, [request])[0];
}

function runOracle(requests: OracleRequest[], line: DjangoLine | undefined, extraEnv: Record<string, string>): OracleResult[] {
  const python = pythonFor(line);
  // The runner decides which Django Python sees: never inherit another PYTHONPATH or PYTHONHOME,
  // nor the DJANGO_* of the test process (project mode gets the project's own).
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'PYTHONPATH' && k !== 'PYTHONHOME' && k !== 'PYTHONDONTWRITEBYTECODE' && !k.startsWith('DJANGO_')),
  );
  const run = spawnSync(python.command[0], [...python.command.slice(1), ORACLE], {
    input: JSON.stringify(toWire(requests)),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...inherited, ...python.env, ...extraEnv, PYTHONIOENCODING: 'utf-8' },
    // A stuck Django must fail the test, not hang the run (batches of slow hashes take seconds).
    timeout: 300_000,
  });
  if (run.error) throw new Error(`Django ${python.line} oracle could not run or timed out: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`Django ${python.line} oracle failed (exit ${run.status}): ${run.stderr || run.error}\nRun: node scripts/django-lines.mjs ${python.line}`);
  }
  return fromWire(JSON.parse(run.stdout)) as OracleResult[];
}

/** One request; throws if Django raised. */
export function django<T = unknown>(request: OracleRequest, line?: DjangoLine): T {
  const [result] = djangoBatch([request], line);
  if (result.error !== undefined) throw new Error(`Django raised ${result.error}`);
  return result.ok as T;
}

/** Many requests of which every one must succeed. */
export function djangoAll<T = unknown>(requests: OracleRequest[], line?: DjangoLine): T[] {
  return djangoBatch(requests, line).map((r, i) => {
    if (r.error !== undefined) throw new Error(`Django raised on request ${i} (${requests[i].op}): ${r.error}`);
    return r.ok as T;
  });
}
