import { request } from 'node:http';

/** One answer, with the process that gave it (X-Sample-Worker, set with SAMPLE_WORKER_HEADER). */
export interface WorkerAnswer {
  status: number;
  worker: string;
  body: any;
  /** Set-Cookie values by name (value only; "" for a deleted cookie). */
  setCookies: Record<string, string>;
}

export interface Send {
  method?: 'GET' | 'POST';
  cookies?: Record<string, string>;
  headers?: Record<string, string>;
  json?: unknown;
  /** A text/plain body instead of JSON. */
  text?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * One request on a connection of its own (no keep-alive), so that a cluster or a proxy may hand
 * each request to a different process, as it would for separate browsers.
 */
export function send(base: string, path: string, { method = 'GET', cookies = {}, headers = {}, json, text }: Send = {}): Promise<WorkerAnswer> {
  const body = text !== undefined ? Buffer.from(text) : json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const type = text !== undefined ? 'text/plain;charset=UTF-8' : 'application/json';
  const cookie = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), {
      method,
      agent: false,
      timeout: REQUEST_TIMEOUT_MS,
      headers: { Connection: 'close', ...(cookie ? { Cookie: cookie } : {}), ...(body ? { 'Content-Type': type, 'Content-Length': String(body.length) } : {}), ...headers },
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const answer = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = answer;
        try {
          parsed = answer ? JSON.parse(answer) : null;
        } catch {
          // not JSON: keep the text
        }
        const setCookies = Object.fromEntries((res.headers['set-cookie'] ?? []).map((c) => c.split(';', 1)[0]).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
        resolve({ status: res.statusCode ?? 0, worker: String(res.headers['x-sample-worker'] ?? ''), body: parsed, setCookies });
      });
    });
    req.end(body);
  });
}

/** Sends until `accept` likes the answer (a given worker, say); fails after `tries`. */
export async function sendUntil(base: string, path: string, options: Send, accept: (a: WorkerAnswer) => boolean, tries = 30): Promise<WorkerAnswer> {
  let last: WorkerAnswer | undefined;
  for (let i = 0; i < tries; i++) {
    last = await send(base, path, options);
    if (accept(last)) return last;
  }
  throw new Error(`${options.method ?? 'GET'} ${path}: no acceptable answer in ${tries} tries (last: ${last?.status} from worker ${last?.worker})`);
}

/** The same request answered by each of `workers`: their answers by worker. Idempotent requests only. */
export async function onEveryWorker(base: string, path: string, options: Send, workers: Iterable<string>, tries = 40): Promise<Map<string, WorkerAnswer>> {
  const wanted = new Set(workers);
  const answers = new Map<string, WorkerAnswer>();
  for (let i = 0; i < tries && answers.size < wanted.size; i++) {
    const answer = await send(base, path, options);
    if (wanted.has(answer.worker) && !answers.has(answer.worker)) answers.set(answer.worker, answer);
  }
  if (answers.size < wanted.size) throw new Error(`${path}: answered by ${[...answers.keys()].join(', ') || 'none'} of ${[...wanted].join(', ')} in ${tries} tries`);
  return answers;
}

/** The workers that answer `path` over `tries` fresh connections. */
export async function workersAnswering(base: string, tries = 12, path = '/health'): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < tries; i++) seen.add((await send(base, path)).worker);
  return seen;
}
