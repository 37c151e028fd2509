/**
 * Runs the PHP side (contrib/php) for the tests with Debian's php-cli: `phpOps` asks cli.php many
 * questions in one process, and `startPhpApp` serves app.php with PHP's built-in web server on a
 * free port. Nothing is mocked and nothing is skipped: a missing php binary fails the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import type { DjangoConnection } from '../django/django-project.js';
import { freePort } from '../support/free-port.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PHP = '/usr/bin/php';

export type PhpOp =
  | { op: 'verify'; password: string; encoded: string }
  | { op: 'algorithm'; encoded: string }
  | { op: 'session_data'; data: Buffer }
  | { op: 'auth_hash'; passwordHash: string; secretKey: string; algorithm?: 'sha256' | 'sha1' }
  | { op: 'session_ids'; length: number; bits: 4 | 5 | 6; count: number }
  | { op: 'has_argon2' };

/** One cli.php process answering every op, in order. Strings travel as base64 where bytes matter. */
export function phpOps<T = unknown>(ops: PhpOp[]): T[] {
  const wire = ops.map((o) => (o.op === 'verify' ? { ...o, password: Buffer.from(o.password, 'utf8').toString('base64') } : o.op === 'session_data' ? { ...o, data: o.data.toString('base64') } : o));
  const res = spawnSync(PHP, ['-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL', '-d', 'memory_limit=512M', join(HERE, 'cli.php')], {
    input: JSON.stringify(wire),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`php cli.php failed (${res.status}): ${res.stderr}${res.stdout}`);
  return JSON.parse(res.stdout) as T[];
}

/** A PDO DSN and credentials for the database a Django project uses. */
export function pdoEnv(c: DjangoConnection): Record<string, string> {
  if (c.type === 'better-sqlite3') return { DJB_DSN: `sqlite:${c.database}` };
  if (c.type === 'mysql') return { DJB_DSN: `mysql:host=${c.host ?? '127.0.0.1'};port=${c.port ?? 3306};dbname=${c.database};charset=utf8mb4`, DJB_DB_USER: c.username ?? 'root', DJB_DB_PASSWORD: c.password ?? '' };
  return { DJB_DSN: `pgsql:host=${c.host ?? '127.0.0.1'};port=${c.port ?? 5432};dbname=${c.database}`, DJB_DB_USER: c.username ?? 'postgres', DJB_DB_PASSWORD: c.password ?? '' };
}

export interface PhpApp {
  url: string;
  http: () => ReturnType<typeof request>;
  /** What PHP wrote to stderr so far (error_log, warnings). */
  stderr: () => string;
  close(): Promise<void>;
}

/**
 * test/php/app.php under `php -S`. `env` holds DJB_* settings; `ini` extra php.ini settings such
 * as session.sid_length.
 */
export async function startPhpApp(env: Record<string, string>, ini: Record<string, string> = {}): Promise<PhpApp> {
  const port = await freePort();
  const iniArgs = Object.entries({ display_errors: '0', log_errors: '1', error_reporting: String(32767), ...ini }).flatMap(([k, v]) => ['-d', `${k}=${v}`]);
  const child: ChildProcess = spawn(PHP, [...iniArgs, '-S', `127.0.0.1:${port}`, join(HERE, 'app.php')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`php -S exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`php -S did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    http: () => request(url),
    stderr: () => stderr,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
