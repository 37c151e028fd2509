/**
 * A private PostgreSQL 15 server for fault tests: Debian's initdb and postgres on a temp data
 * directory, a free loopback port and a socket directory of its own, never the shared cluster.
 * PostgreSQL serves each connection from a forked backend, so pausing and killing act on the
 * postmaster and every process it forked: SIGSTOP leaves connections
 * accepted and unanswered, SIGKILL is a crash that the next start recovers from its WAL. The
 * server runs as the "postgres" user when the test runs as root (initdb refuses root). A server
 * that cannot start fails loudly with its log; close() kills it and removes the directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const BIN = '/usr/lib/postgresql/15/bin';
const START_TIMEOUT = 30_000;

export interface PrivatePostgres {
  readonly port: number;
  readonly dir: string;
  /** SIGSTOP to the postmaster and every backend. */
  pause(): void;
  /** SIGCONT to all of them. */
  resume(): void;
  /** SIGKILL to all of them, and waits until the postmaster is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data directory and port; resolves once it answers. */
  start(): Promise<void>;
  /** Kills the server and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  // The backends notice their postmaster is gone and exit on their own.
  for (const child of running) child.kill('SIGKILL');
});

function logTail(dir: string): string {
  const file = join(dir, 'postgres.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}

/** Whether the server answers a query (psql, bounded by its connect_timeout and a process timeout). */
function answers(port: number): boolean {
  const probe = spawnSync(join(BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-Atc', 'SELECT 1'], { encoding: 'utf8', timeout: 3_000, env: { ...process.env, PGCONNECT_TIMEOUT: '1' } });
  return probe.status === 0 && probe.stdout.trim() === '1';
}

/**
 * The postmaster's children (backends, checkpointer, WAL writer...): each calls setsid(), so they
 * are not in the postmaster's process group and must be signalled one by one.
 */
function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the parenthesised command name: state, ppid, ...
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // Exited while being read.
    }
  }
  return pids;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  for (const binary of ['initdb', 'postgres']) if (!existsSync(join(BIN, binary))) throw new Error(`private PostgreSQL: ${BIN}/${binary} is missing (apt-get install postgresql-15)`);
  const dir = mkdtempSync(join(tmpdir(), 'djb-postgres-'));
  const datadir = join(dir, 'data');
  // initdb and postgres refuse to run as root: run them as the postgres user then.
  let ids: { uid: number; gid: number } | Record<string, never> = {};
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('private PostgreSQL: running as root and there is no "postgres" user to run the server as');
    ids = { uid, gid };
    chownSync(dir, uid, gid);
  }
  const init = spawnSync(join(BIN, 'initdb'), ['-D', datadir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'], { encoding: 'utf8', timeout: 120_000, ...ids });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`private PostgreSQL: initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  const group = (signal: NodeJS.Signals) => {
    if (!alive()) throw new Error(`private PostgreSQL is not running (cannot send ${signal})`);
    // The postmaster first: stopped, it forks no new backend while the others are signalled.
    process.kill(child!.pid!, signal);
    for (const pid of childrenOf(child!.pid!)) {
      try {
        process.kill(pid, signal);
      } catch {
        // A backend that just exited.
      }
    }
  };

  const start = async () => {
    const args = ['-D', datadir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=on', '-c', 'max_connections=200', '-c', `logging_collector=off`];
    const log = openSync(join(dir, 'postgres.log'), 'a');
    const proc = spawn(join(BIN, 'postgres'), args, { stdio: ['ignore', log, log], ...ids });
    child = proc;
    running.add(proc);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => running.delete(proc));
    const deadline = Date.now() + START_TIMEOUT;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      if (answers(port)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (alive()) group('SIGKILL');
    throw new Error(`private PostgreSQL on port ${port} did not start within ${START_TIMEOUT} ms:\n${logTail(dir)}`);
  };

  await start().catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  const kill = async () => {
    if (alive()) group('SIGKILL');
    await exited;
    // The backends were killed too; a restart must not find them still attached to shared memory.
    await new Promise((r) => setTimeout(r, 200));
  };
  let closed = false;
  return {
    port,
    dir,
    pause: () => group('SIGSTOP'),
    resume: () => group('SIGCONT'),
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
