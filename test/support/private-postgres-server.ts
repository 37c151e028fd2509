/**
 * A private PostgreSQL 15 server for fault tests: Debian's initdb and postgres on a temp data
 * directory, a free loopback port and a socket directory of its own, never the shared cluster.
 * The lifecycle is private-server.ts's. PostgreSQL serves each connection from a forked backend,
 * so pausing and killing act on the postmaster and every process it forked: SIGSTOP leaves
 * connections accepted and unanswered, SIGKILL is a crash that the next start recovers from its
 * WAL. The server runs as the "postgres" user when the test runs as root (initdb refuses root).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchPrivateServer, type PrivateServer } from './private-server.js';

const BIN = '/usr/lib/postgresql/15/bin';

export type PrivatePostgres = PrivateServer;

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

/** The uid and gid to run initdb and postgres as: the postgres user's when the test runs as root. */
function serverIds(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('private PostgreSQL: running as root and there is no "postgres" user to run the server as');
  return { uid, gid };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  for (const binary of ['initdb', 'postgres']) if (!existsSync(join(BIN, binary))) throw new Error(`private PostgreSQL: ${BIN}/${binary} is missing (apt-get install postgresql-15)`);
  return launchPrivateServer('private PostgreSQL', 'djb-postgres-', (dir, port) => {
    const datadir = join(dir, 'data');
    const ids = serverIds();
    if ('uid' in ids) chownSync(dir, ids.uid, ids.gid);
    const init = spawnSync(join(BIN, 'initdb'), ['-D', datadir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'], { encoding: 'utf8', timeout: 120_000, ...ids });
    if (init.status !== 0) throw new Error(`private PostgreSQL: initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
    const args = ['-D', datadir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=on', '-c', 'max_connections=200', '-c', `logging_collector=off`];
    const logFile = join(dir, 'postgres.log');
    return {
      spawn: () => {
        const log = openSync(logFile, 'a');
        try {
          return spawn(join(BIN, 'postgres'), args, { stdio: ['ignore', log, log], ...ids });
        } finally {
          // The child has its own copy of the descriptor.
          closeSync(log);
        }
      },
      answers: () => answers(port),
      logFile,
      forked: childrenOf,
      // The backends were killed too; a restart must not find them still attached to shared memory.
      afterKillMs: 200,
    };
  });
}
