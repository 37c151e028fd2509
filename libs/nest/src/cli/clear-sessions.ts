#!/usr/bin/env node
/**
 * `manage.py clearsessions` for the bridge: deletes expired rows of django_session. For cron:
 *
 *   django-bridge-clearsessions --url mysql://root@127.0.0.1/site [--no-use-tz --time-zone Europe/Paris]
 *
 * The URL may also come from DJANGO_DATABASE_URL. Exit code 0 on success, 1 on error.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptionsFromUrl } from '../database/data-source-url.js';
import { TypeOrmSessionStore } from '../session/typeorm-session.store.js';

export interface ClearSessionsArgs {
  url: string;
  useTz: boolean;
  timeZone: string;
  table: string;
}

export function parseClearSessionsArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ClearSessionsArgs {
  const args: ClearSessionsArgs = { url: env.DJANGO_DATABASE_URL ?? '', useTz: true, timeZone: 'UTC', table: 'django_session' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--url') args.url = argv[++i] ?? '';
    else if (arg === '--no-use-tz') args.useTz = false;
    else if (arg === '--time-zone') args.timeZone = argv[++i] ?? '';
    else if (arg === '--table') args.table = argv[++i] ?? '';
    else throw new Error(`Unknown argument "${arg}"`);
  }
  if (!args.url) throw new Error('Give the database with --url or DJANGO_DATABASE_URL');
  return args;
}

/** Deletes expired sessions; returns how many rows went. */
export async function clearExpiredSessions(args: ClearSessionsArgs): Promise<number> {
  const dataSource = new DataSource({ ...dataSourceOptionsFromUrl(args.url, '--url'), synchronize: false, logging: false });
  await dataSource.initialize();
  try {
    return await new TypeOrmSessionStore(dataSource, { useTz: args.useTz, timeZone: args.timeZone, tableName: args.table }).clearExpired();
  } finally {
    await dataSource.destroy();
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  clearExpiredSessions(parseClearSessionsArgs(process.argv.slice(2)))
    .then((n) => console.log(`Deleted ${n} expired session(s)`))
    .catch((err: Error) => {
      console.error(`clearsessions failed: ${err.message}`);
      process.exit(1);
    });
}
