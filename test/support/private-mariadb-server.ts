/**
 * A private MariaDB server for fault tests: Debian's mariadbd on its own data directory, port and
 * socket in a temp dir, never the shared server. The test can pause it (SIGSTOP: it keeps
 * accepting TCP connections and answers nothing, as a stalled or failing-over server does), resume
 * it, kill it (SIGKILL) and start it again on the same data directory (InnoDB's crash recovery
 * keeps every committed row). A server that cannot start fails loudly with its own log; close()
 * kills it and removes the directory, and an exit hook kills it if the test process dies first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './free-port.js';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const START_TIMEOUT = 30_000;

export interface PrivateMariaDb {
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
  /** Runs SQL as root over a fresh connection (5 s bound). */
  sql<T = Record<string, unknown>[]>(statement: string, params?: unknown[], database?: string): Promise<T>;
  /** Kills the server and removes its directory. Safe to call twice. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function logTail(dir: string): string {
  const file = join(dir, 'error.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no error log)';
}

async function answers(port: number): Promise<boolean> {
  try {
    const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** Initialises a data directory and starts mariadbd on a free loopback port. */
export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  for (const binary of [MARIADBD, INSTALL_DB]) if (!existsSync(binary)) throw new Error(`private MariaDB: ${binary} is missing (apt-get install mariadb-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'djb-mariadb-'));
  const datadir = join(dir, 'data');
  const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || 'root';
  const install = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${datadir}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`private MariaDB: mariadb-install-db failed (exit ${install.status}): ${install.stderr || install.stdout}`);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      `--user=${user}`,
      // Root without a password, from this machine only (bind-address above).
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=64M',
      '--max-connections=500',
      // Every commit reaches the disk: what was written before a SIGKILL must survive it.
      '--innodb-flush-log-at-trx-commit=1',
    ];
    const proc = spawn(MARIADBD, args, { stdio: 'ignore' });
    child = proc;
    running.add(proc);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => running.delete(proc));
    const deadline = Date.now() + START_TIMEOUT;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    proc.kill('SIGKILL');
    throw new Error(`private MariaDB on port ${port} did not start within ${START_TIMEOUT} ms (exit ${proc.exitCode ?? proc.signalCode ?? 'none'}):\n${logTail(dir)}`);
  };

  const signal = (name: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`private MariaDB is not running (cannot send ${name})`);
    child.kill(name);
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
    async kill() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    start,
    async sql<T>(statement: string, params: unknown[] = [], database?: string): Promise<T> {
      const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', database, connectTimeout: 5_000 });
      try {
        const [rows] = await conn.query({ sql: statement, timeout: 5_000 }, params);
        return rows as T;
      } finally {
        conn.destroy();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (child && child.exitCode === null && child.signalCode === null) {
        // SIGKILL ends a stopped (SIGSTOP) process too.
        child.kill('SIGKILL');
      }
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
