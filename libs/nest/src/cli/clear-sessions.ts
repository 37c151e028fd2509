/**
 * `manage.py clearsessions` for the bridge: deletes expired rows of django_session. The command
 * itself is clear-sessions.bin.ts; this module holds what it does, importable and testable, and
 * never acts on import (the bin always runs, so no "am I the main module" guess is needed).
 */
import { parseArgs } from 'node:util';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptionsFromUrl } from '../database/data-source-url.js';
import { within } from '../errors/deadline.js';
import { TypeOrmSessionStore } from '../session/typeorm-session.store.js';

export const CLEAR_SESSIONS_COMMAND = 'django-bridge-clearsessions';

export const CLEAR_SESSIONS_USAGE = `Usage: ${CLEAR_SESSIONS_COMMAND} [--url URL] [options]

Deletes expired sessions from Django's django_session table, as "manage.py clearsessions" does.

Options:
  --url URL          database URL as dj-database-url reads it (default: $DJANGO_DATABASE_URL)
                     mysql://user:pass@host:3306/name, postgres://user@host/name?sslmode=require,
                     sqlite:////absolute/path.db
  --no-use-tz        the site has USE_TZ = False (expire_date holds naive local times)
  --time-zone ZONE   the site's TIME_ZONE, with --no-use-tz (default: UTC)
  --table NAME       session table (default: django_session)
  --timeout SECONDS  give up after this long, connecting included (default: 30)
  -h, --help         show this help

Exit status: 0 done, 1 failed (one line on stderr), 2 bad arguments or URL.`;

export interface ClearSessionsArgs {
  url: string;
  useTz: boolean;
  timeZone: string;
  table: string;
  /** Whole run, connecting included; default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Bad command line: the bin answers it with exit status 2 and a pointer to --help. */
export class ClearSessionsUsageError extends Error {}

function readCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        'no-use-tz': { type: 'boolean' },
        'time-zone': { type: 'string' },
        table: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(e.message)?.[1] ?? '';
      throw new ClearSessionsUsageError(`Unknown argument "${option}"`);
    }
    // parseArgs' messages for a missing value or a positional are one sentence; keep the first.
    throw new ClearSessionsUsageError(e.message.split('. ')[0].replace(/\.$/, ''));
  }
}

/** The command line (and DJANGO_DATABASE_URL) as options; throws ClearSessionsUsageError. `--help` is not an option here: see runClearSessions. */
export function parseClearSessionsArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ClearSessionsArgs {
  const values = readCommandLine(argv);
  const url = values.url ?? env.DJANGO_DATABASE_URL ?? '';
  if (!url) throw new ClearSessionsUsageError('Give the database with --url or DJANGO_DATABASE_URL');
  const args: ClearSessionsArgs = { url, useTz: !values['no-use-tz'], timeZone: values['time-zone'] ?? 'UTC', table: values.table ?? 'django_session' };
  if (!args.timeZone) throw new ClearSessionsUsageError('--time-zone needs a zone name');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(args.table)) throw new ClearSessionsUsageError(`--table "${args.table}" is not a table name`);
  if (values.timeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || Number(values.timeout) <= 0) throw new ClearSessionsUsageError(`--timeout "${values.timeout}" must be a positive number of seconds`);
    args.timeoutMs = Math.round(Number(values.timeout) * 1000);
  }
  return args;
}

/** Drivers get their own connect timeout too, unless the URL set one (`?connect_timeout=`). */
function withConnectTimeout(options: DataSourceOptions, ms: number): DataSourceOptions {
  if (options.type === 'postgres') return { ...options, connectTimeoutMS: options.connectTimeoutMS ?? ms };
  if (options.type === 'mysql') return { ...options, connectTimeout: options.connectTimeout ?? ms };
  return options;
}

class ClearSessionsTimeout extends Error {}

/** Deletes expired sessions; returns how many rows went. Rejects after `timeoutMs` rather than hang on an unreachable database. */
export async function clearExpiredSessions(args: ClearSessionsArgs): Promise<number> {
  const timeoutMs = args.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dataSource = new DataSource({ ...withConnectTimeout(dataSourceOptionsFromUrl(args.url, '--url'), timeoutMs), synchronize: false, logging: false });
  const work = (async () => {
    await dataSource.initialize();
    return new TypeOrmSessionStore(dataSource, { useTz: args.useTz, timeZone: args.timeZone, tableName: args.table }).clearExpired();
  })();
  try {
    return await within(timeoutMs, () => new ClearSessionsTimeout(`no answer from the database within ${timeoutMs / 1000} s`), work);
  } finally {
    // A run that timed out may still be connecting; destroy whatever exists without waiting on it forever.
    if (dataSource.isInitialized) await within(1000, 'destroy', dataSource.destroy()).catch(() => undefined);
  }
}

export interface ClearSessionsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: ClearSessionsIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

/** The whole command: returns the exit status (0 done or --help, 1 failed, 2 bad arguments or URL); every message is one line. */
export async function runClearSessions(argv: string[], io: ClearSessionsIo = defaultIo): Promise<number> {
  let args: ClearSessionsArgs;
  try {
    if (readCommandLine(argv).help) {
      io.out(CLEAR_SESSIONS_USAGE);
      return 0;
    }
    args = parseClearSessionsArgs(argv, io.env ?? process.env);
    // A URL that cannot work is a usage error too (exit 2), found before any connection attempt.
    dataSourceOptionsFromUrl(args.url, '--url');
  } catch (err) {
    io.err(`${CLEAR_SESSIONS_COMMAND}: ${oneLine(err)}`);
    io.err(`Try '${CLEAR_SESSIONS_COMMAND} --help'.`);
    return 2;
  }
  try {
    const deleted = await clearExpiredSessions(args);
    io.out(`Deleted ${deleted} expired session(s)`);
    return 0;
  } catch (err) {
    io.err(`${CLEAR_SESSIONS_COMMAND}: failed: ${oneLine(err)}`);
    return 1;
  }
}

function oneLine(err: unknown): string {
  const e = err as Error & { code?: string; errors?: Error[] };
  // AggregateError (a host with IPv4 and IPv6 addresses both refusing) has an empty message.
  let message = e?.message || e?.errors?.map((x) => x.message).join('; ') || e?.code || String(err);
  // The stores wrap driver errors (DjangoDatabaseUnavailable); cron's log needs the driver's reason.
  if (e instanceof Error && e.cause instanceof Error && e.cause.message) message = `${message}: ${oneLine(e.cause)}`;
  return message.split('\n')[0];
}
