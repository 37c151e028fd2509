/**
 * What the private database servers of the fault tests share (private-mariadb-server.ts,
 * private-postgres-server.ts): a temp directory and a free loopback port of their own, a server
 * process started and polled until it answers (a bounded wait that fails loudly with the server's
 * log), paused with SIGSTOP (the kernel still accepts connections, nothing answers), resumed,
 * killed with SIGKILL and started again on the same data directory and port. close() kills it and
 * removes the directory, and an exit hook kills it if the test process dies first.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const START_TIMEOUT = 30_000;

export interface PrivateServer {
  readonly port: number;
  readonly dir: string;
  /** The running server's process id (changes on restart). */
  readonly pid: number;
  /** SIGSTOP: the server stalls (connections are accepted by the kernel, nothing answers). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data directory and port; resolves once it answers. */
  start(): Promise<void>;
  /** Kills the server and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

/** What one kind of server does its own way. */
export interface ServerProcess {
  /** Starts the server process on the prepared data directory and port. */
  spawn(): ChildProcess;
  /** Whether the server answers a query now; bounded by a timeout of its own. */
  answers(): boolean | Promise<boolean>;
  /** The server's log: its tail explains a failed start. */
  logFile: string;
  /** Processes the server forked that a signal must reach too (ones that left its process group). */
  forked?(pid: number): number[];
  /** How long to wait after a kill before the server may start again. */
  afterKillMs?: number;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  // Killing the server is enough: what it forked notices and exits on its own.
  for (const child of running) child.kill('SIGKILL');
});

function logTail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes a temp directory and picks a port, lets `prepare` initialise the data directory there and
 * describe the server, and starts it. Anything failing on the way removes the directory.
 */
export async function launchPrivateServer(name: string, prefix: string, prepare: (dir: string, port: number) => ServerProcess): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server: ServerProcess;
  let port: number;
  try {
    port = await freePort();
    server = prepare(dir, port);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;

  const signal = (sig: NodeJS.Signals) => {
    if (!alive()) throw new Error(`${name} is not running (cannot send ${sig})`);
    // The server first: stopped, it forks nothing new while the others are signalled.
    process.kill(child!.pid!, sig);
    for (const pid of server.forked?.(child!.pid!) ?? []) {
      try {
        process.kill(pid, sig);
      } catch {
        // One that just exited.
      }
    }
  };

  const start = async () => {
    const proc = server.spawn();
    child = proc;
    running.add(proc);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => running.delete(proc));
    const deadline = Date.now() + START_TIMEOUT;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      if (await server.answers()) return;
      await sleep(200);
    }
    const exit = proc.exitCode ?? proc.signalCode ?? 'none';
    if (alive()) signal('SIGKILL');
    throw new Error(`${name} on port ${port} did not start within ${START_TIMEOUT} ms (exit ${exit}):\n${logTail(server.logFile)}`);
  };

  const kill = async () => {
    // SIGKILL ends a stopped (SIGSTOP) process too.
    if (alive()) signal('SIGKILL');
    await exited;
    if (server.afterKillMs) await sleep(server.afterKillMs);
  };

  await start().catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let closed = false;
  return {
    port,
    dir,
    get pid() {
      return child?.pid ?? -1;
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    kill,
    start,
    async close() {
      if (closed) return;
      closed = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
