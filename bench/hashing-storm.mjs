#!/usr/bin/env node
/**
 * Login storm with an unguarded probe, for sizing `passwordHashing.concurrency`:
 * `node bench/hashing-storm.mjs` (no build needed; runs the sources under the SWC loader).
 * For each concurrency in STORM_CONCURRENCIES (default "0,1,2,3,4"; 0 = unbounded, the old
 * behaviour), in alternation and STORM_REPEATS times (default 3): a server process
 * (hashing-storm-server.ts, memory stores, PBKDF2 at STORM_ITERATIONS, default 260000) takes
 * STORM_LOGINS concurrent login loops (default 16) for STORM_SECONDS (default 10) while one probe
 * GETs /health every 10 ms. Prints logins/s, its ratio to the hash ceiling (cores / single-hash
 * time, measured by the server alone before the load), to the parallel hash rate the (shared) machine
 * gave just before, and probe p50/p99; then medians per value.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = (name, fallback) => process.env[name] ?? fallback;
const CONCURRENCIES = env('STORM_CONCURRENCIES', '0,1,2,3,4').split(',').map(Number);
const REPEATS = Number(env('STORM_REPEATS', 3));
const LOGINS = Number(env('STORM_LOGINS', 16));
const SECONDS = Number(env('STORM_SECONDS', 10));
const ITERATIONS = Number(env('STORM_ITERATIONS', 260_000));
const CORES = availableParallelism();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function startServer(concurrency) {
  const child = spawn(process.execPath, ['--import', './fuzz/register.mjs', 'bench/hashing-storm-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, HASH_CONCURRENCY: String(concurrency), HASH_ITERATIONS: String(ITERATIONS), HASH_CORES: String(CORES) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /ready (\d+) ([\d.]+) ([\d.]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), hashMs: Number(m[2]), parallelRate: Number(m[3]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

async function storm(port) {
  const base = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + SECONDS * 1000;
  const statuses = {};
  let logins = 0;
  const loginLoop = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-pw' }) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200 && performance.now() < deadline) logins++;
    }
  };
  const probes = [];
  const probeLoop = async () => {
    await sleep(500); // let the storm build up first
    while (performance.now() < deadline) {
      const started = performance.now();
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      probes.push(performance.now() - started);
      await sleep(10);
    }
  };
  const started = performance.now();
  await Promise.all([...Array.from({ length: LOGINS }, loginLoop), probeLoop()]);
  const elapsed = (Math.min(performance.now(), deadline) - started) / 1000;
  probes.sort((a, b) => a - b);
  return { loginsPerSecond: logins / elapsed, p50: quantile(probes, 0.5), p99: quantile(probes, 0.99), probes: probes.length, statuses };
}

const results = new Map(CONCURRENCIES.map((c) => [c, []]));
console.log(`cores ${CORES}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '(unset: 4)'}, ${LOGINS} login loops, PBKDF2 ${ITERATIONS}, ${SECONDS} s x ${REPEATS}`);
for (let round = 0; round < REPEATS; round++) {
  for (const concurrency of CONCURRENCIES) {
    const { child, port, hashMs, parallelRate } = await startServer(concurrency);
    try {
      // Warm the routes (JIT, first session) before measuring.
      await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.arrayBuffer());
      const r = await storm(port);
      const ceiling = (CORES * 1000) / hashMs;
      const row = { ...r, hashMs, ceiling, ratio: r.loginsPerSecond / ceiling, parallelRate, ratioNow: r.loginsPerSecond / parallelRate };
      results.get(concurrency).push(row);
      console.log(`round ${round + 1} concurrency ${concurrency || 'unbounded'}: ${r.loginsPerSecond.toFixed(1)} logins/s, ceiling ${ceiling.toFixed(1)} (hash ${hashMs} ms) = ${row.ratio.toFixed(2)}x (${row.ratioNow.toFixed(2)}x of the ${parallelRate.toFixed(1)}/s the machine gave just before); /health p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms (${r.probes} probes); statuses ${JSON.stringify(r.statuses)}`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}
console.log('\nmedians | concurrency | logins/s | ceiling | ratio | parallel hashes/s just before | ratio to it | /health p50 ms | /health p99 ms');
for (const [concurrency, rows] of results) {
  console.log(`| ${concurrency || 'unbounded'} | ${median(rows.map((r) => r.loginsPerSecond)).toFixed(1)} | ${median(rows.map((r) => r.ceiling)).toFixed(1)} | ${median(rows.map((r) => r.ratio)).toFixed(2)} | ${median(rows.map((r) => r.parallelRate)).toFixed(1)} | ${median(rows.map((r) => r.ratioNow)).toFixed(2)} | ${median(rows.map((r) => r.p50)).toFixed(1)} | ${median(rows.map((r) => r.p99)).toFixed(1)} |`);
}
