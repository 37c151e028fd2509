import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { loadClusterSettings, type ClusterSettings } from './cluster/cluster-settings.js';
import { RestartBackoff } from './cluster/restart-backoff.js';
import { loadSampleConfig, SampleConfigError, type SampleConfig } from './config/sample.config.js';

/** How long workers get to finish their requests after SIGTERM before they are killed. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * `npm run start:cluster`: the sample as a node:cluster, WEB_CONCURRENCY workers (default: the
 * cores) sharing one port. Each worker is the plain sample (main.js); the sessions, users and keys
 * they use live in the shared databases, so a request may land on any of them.
 *
 * The primary checks the settings once (a worker would otherwise fail N times), starts ONE worker
 * first so that only it creates a missing schema and seeds the demo accounts, then the others;
 * replaces a worker that dies, with a growing delay; and on SIGTERM/SIGINT lets every worker
 * finish its requests (Nest's shutdown hooks) before it exits.
 */
function runPrimary(): void {
  let config: SampleConfig;
  let settings: ClusterSettings;
  try {
    config = loadSampleConfig(process.env);
    settings = loadClusterSettings(process.env, config);
  } catch (err) {
    if (!(err instanceof SampleConfigError)) throw err;
    console.error(`Configuration error: ${err.message}`);
    process.exit(1);
  }
  for (const warning of settings.warnings) console.warn(`Warning: ${warning}`);

  const started = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  const backoff = new RestartBackoff();
  let ready = false;
  let stopping = false;
  let exitCode = 0;

  const fork = (): Worker => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
    return worker;
  };

  const stop = (reason: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    console.log(`django-bridge sample cluster stopping (${reason})`);
    for (const timer of restarts) clearTimeout(timer);
    if (started.size === 0) process.exit(exitCode);
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of started.keys()) {
        console.error(`worker ${worker.process.pid} did not stop within ${SHUTDOWN_TIMEOUT_MS} ms: killed`);
        worker.process.kill('SIGKILL');
      }
      exitCode = 1;
    }, SHUTDOWN_TIMEOUT_MS).unref();
  };

  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      // A second Ctrl-C does not wait for the requests.
      if (stopping) {
        for (const worker of started.keys()) worker.process.kill('SIGKILL');
        exitCode = 1;
      }
      stop(signal, 0);
    });
  }

  // Workers listening so far, until every initial one is.
  const listening = new Set<Worker>();
  cluster.on('listening', (worker: Worker, address: AddressInfo) => {
    if (ready) return;
    listening.add(worker);
    if (listening.size === 1 && started.size < settings.workers) {
      // The first worker has made what was missing (schema, demo accounts): the others find it.
      for (let i = started.size; i < settings.workers; i++) fork();
    }
    if (listening.size < settings.workers) return;
    ready = true;
    const host = config.host === '127.0.0.1' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
    const pids = [...listening].map((w) => w.process.pid).join(', ');
    console.log(`django-bridge sample cluster listening on http://${host}:${address.port} with ${settings.workers} workers (pids ${pids}; primary ${process.pid})`);
    if (settings.connections) console.log(`  ${settings.connections}`);
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const uptime = Date.now() - (started.get(worker) ?? Date.now());
    started.delete(worker);
    listening.delete(worker);
    if (stopping) {
      if (started.size === 0) process.exit(exitCode);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!ready) {
      // A worker that cannot start (database unreachable...) has said why; the others would too.
      console.error(`django-bridge sample cluster could not start: worker ${worker.process.pid} exited with ${how}`);
      return stop('start-up failed', 1);
    }
    const delay = backoff.next(uptime);
    console.error(`worker ${worker.process.pid} exited with ${how}; starting another in ${delay} ms`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  fork();
}

if (cluster.isPrimary) runPrimary();
else await import('./main.js');
