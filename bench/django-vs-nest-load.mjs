/**
 * Load for the Django-vs-Nest bench: wrk runs (throughput and latency percentiles, read back as
 * JSON from a Lua done() hook rather than parsed from wrk's text), and a paced probe that measures
 * an unguarded route's latency while something else loads the server.
 */
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { startProcess, stopProcess } from './django-vs-nest-processes.mjs';

const luaString = (s) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal here (ASCII)

/** The Lua script for one request shape: method, body, headers, and the JSON summary at the end. */
function luaScript({ method = 'GET', body, headers = {} }) {
  const lines = [`wrk.method = ${luaString(method)}`];
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("BENCH_JSON {\\"requests\\":%d,\\"durationUs\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d,\\"p50Us\\":%d,\\"p90Us\\":%d,\\"p99Us\\":%d,\\"maxUs\\":%d}\\n",',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))',
    'end',
  );
  return lines.join('\n') + '\n';
}

/**
 * One wrk run against url. Returns req/s, p50/p90/p99/max in ms and error counts; throws when wrk
 * fails or overruns (duration + 30 s).
 */
export async function wrk({ url, seconds, threads, connections, shape, dir, tag }) {
  const script = join(dir, `${tag}.lua`);
  writeFileSync(script, luaScript(shape));
  const args = [`-t${Math.min(threads, connections)}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url];
  const run = startProcess(`wrk ${tag}`, 'wrk', args);
  const limit = setTimeout(() => stopProcess(run, 1000), (seconds + 30) * 1000);
  const { code, signal } = await run.exited;
  clearTimeout(limit);
  const output = run.output();
  const line = /BENCH_JSON (\{.*\})/.exec(output);
  if (code !== 0 || !line) throw new Error(`wrk ${tag} failed (${signal ?? `exit ${code}`}):\n${output.slice(-2000)}`);
  const r = JSON.parse(line[1]);
  const seconds_ = r.durationUs / 1e6;
  const errors = r.connect + r.read + r.write + r.timeout;
  return {
    requests: r.requests,
    rps: r.requests / seconds_,
    // Answers that were not 2xx/3xx, and socket errors: a run with many is not a measurement.
    non2xx: r.status,
    errors,
    p50: r.p50Us / 1000,
    p90: r.p90Us / 1000,
    p99: r.p99Us / 1000,
    max: r.maxUs / 1000,
  };
}

/** The q-quantile of a sorted list (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * GETs url one request at a time, intervalMs apart, until stop() is called; each request times out
 * after 10 s (counted as an error, with its 10 s kept as its latency). Returns { stop } whose
 * promise resolves to the latency figures.
 */
export function startProbe(url, intervalMs = 20) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let errors = 0;
  let running = true;
  const once = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = request(url, { agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode !== 200) errors += 1;
          resolve(performance.now() - started);
        });
        res.once('error', () => (errors += 1, resolve(performance.now() - started)));
      });
      req.once('timeout', () => req.destroy(new Error('probe timeout')));
      req.once('error', () => (errors += 1, resolve(performance.now() - started)));
      req.end();
    });
  const loop = (async () => {
    while (running) {
      latencies.push(await once());
      if (running) await new Promise((r) => setTimeout(r, intervalMs));
    }
    agent.destroy();
    const sorted = [...latencies].sort((a, b) => a - b);
    return { count: sorted.length, errors, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN };
  })();
  return {
    stop() {
      running = false;
      return loop;
    },
  };
}
