/**
 * A private MariaDB for the soak (the JavaScript twin of test/support/private-mariadb-server.ts,
 * which the bench cannot import: plain Node runs no TypeScript): Debian's mariadbd on a temp data
 * directory and a free loopback port, root without a password, killed and removed by close().
 * Fails loudly, with the server's log, when it cannot start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './free-port.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

async function answers(port) {
  try {
    const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

export async function startSoakMariaDb() {
  for (const binary of ['/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db']) if (!existsSync(binary)) throw new Error(`soak: ${binary} is missing (apt-get install mariadb-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'djb-soak-mariadb-'));
  const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || 'root';
  const install = spawnSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'data')}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
  if (install.status !== 0) throw new Error(`soak: mariadb-install-db failed: ${install.stderr || install.stdout}`);
  const port = await freePort();
  const args = ['--no-defaults', `--datadir=${join(dir, 'data')}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${join(dir, 'error.log')}`, `--user=${user}`, '--skip-grant-tables', '--skip-name-resolve', '--innodb-buffer-pool-size=128M', '--max-connections=500'];
  const child = spawn('/usr/sbin/mariadbd', args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', kill);
  const deadline = Date.now() + 30_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      kill();
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`soak: MariaDB on port ${port} did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    dir,
    async sql(statement, params = [], database) {
      const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', database, connectTimeout: 5000 });
      try {
        const [rows] = await conn.query({ sql: statement, timeout: 30_000 }, params);
        return rows;
      } finally {
        conn.destroy();
      }
    },
    async close() {
      kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
