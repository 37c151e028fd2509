/**
 * A private MariaDB server for fault tests: Debian's mariadbd on its own data directory, port and
 * socket in a temp dir, never the shared server. The lifecycle (pause, resume, kill, restart,
 * close) is private-server.ts's; a restart after SIGKILL keeps every committed row through
 * InnoDB's crash recovery.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { launchPrivateServer, type PrivateServer } from './private-server.js';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

export interface PrivateMariaDb extends PrivateServer {
  /** Runs SQL as root over a fresh connection (5 s bound). */
  sql<T = Record<string, unknown>[]>(statement: string, params?: unknown[], database?: string): Promise<T>;
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
  const server = await launchPrivateServer('private MariaDB', 'djb-mariadb-', (dir, port) => {
    const datadir = join(dir, 'data');
    const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || 'root';
    const install = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${datadir}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
    if (install.status !== 0) throw new Error(`private MariaDB: mariadb-install-db failed (exit ${install.status}): ${install.stderr || install.stdout}`);
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
    return {
      spawn: () => spawn(MARIADBD, args, { stdio: 'ignore' }),
      answers: () => answers(port),
      logFile: join(dir, 'error.log'),
    };
  });
  return Object.assign(server, {
    async sql<T>(statement: string, params: unknown[] = [], database?: string): Promise<T> {
      const conn = await createConnection({ host: '127.0.0.1', port: server.port, user: 'root', database, connectTimeout: 5_000 });
      try {
        const [rows] = await conn.query({ sql: statement, timeout: 5_000 }, params);
        return rows as T;
      } finally {
        conn.destroy();
      }
    },
  });
}
