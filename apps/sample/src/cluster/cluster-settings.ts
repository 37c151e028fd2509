import { availableParallelism } from 'node:os';
import { dataSourceOptionsFromUrl } from '@django-bridge/nest';
import type { SampleConfig } from '../config/sample.config.js';
import { SampleConfigError } from '../config/sample-config-error.js';

/** A ceiling on WEB_CONCURRENCY: past it a typo (3000 for 3) is likelier than a real machine. */
export const MAX_WORKERS = 256;
/** The pool of mysql2 and node-postgres when DATABASE_POOL_SIZE is not set. */
export const DRIVER_POOL_SIZE = 10;

export interface ClusterSettings {
  /** How many worker processes share the port. */
  workers: number;
  /** Said once at start-up: settings that work, but only on this host. */
  warnings: string[];
  /** The connections the workers may open to each database server, for its max_connections; null with SQLite only. */
  connections: string | null;
}

interface NamedUrl {
  variable: string;
  url: string;
}

function databaseUrls(config: SampleConfig): NamedUrl[] {
  return [
    { variable: 'DJANGO_DATABASE_URL', url: config.djangoDatabaseUrl },
    ...config.djangoReplicaUrls.map((url) => ({ variable: 'DJANGO_DATABASE_REPLICA_URLS', url })),
    { variable: 'APP_DATABASE_URL', url: config.appDatabaseUrl },
  ];
}

function workerCount(env: NodeJS.ProcessEnv, cores: number): number {
  const raw = env.WEB_CONCURRENCY?.trim();
  if (raw === undefined || raw === '') return Math.max(1, cores);
  const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) throw new SampleConfigError('WEB_CONCURRENCY', `must be a whole number of workers (1-${MAX_WORKERS}), not "${raw}"`);
  return n;
}

/**
 * What a cluster of the sample needs beyond the single-process settings. Every worker must see the
 * same sessions, users and keys, so anything that would be private to one process is refused
 * (an in-memory SQLite database), and what is shared only on this host is said (SQLite files).
 * The secret key is never generated (the demo key is a constant), so every worker signs alike.
 */
export function loadClusterSettings(env: NodeJS.ProcessEnv, config: SampleConfig, cores = availableParallelism()): ClusterSettings {
  const workers = workerCount(env, cores);
  const warnings: string[] = [];
  let servers = 0;
  for (const { variable, url } of databaseUrls(config)) {
    const options = dataSourceOptionsFromUrl(url, variable);
    if (options.type === 'better-sqlite3') {
      if (options.database === ':memory:') {
        throw new SampleConfigError(variable, 'is an in-memory SQLite database: each worker would have its own, so a login on one worker would be unknown to the others; use a SQLite file or a database server');
      }
      warnings.push(`${variable} is a SQLite file: the workers share it on this host only, and its writes wait for each other; use MariaDB/MySQL or PostgreSQL to serve from several hosts`);
    } else {
      servers += 1;
    }
  }
  if (config.embedded) warnings.push('no DJANGO_DATABASE_URL: every worker uses the embedded demo databases and the demo SECRET_KEY');
  const pool = config.databasePoolSize ?? DRIVER_POOL_SIZE;
  const connections =
    servers === 0
      ? null
      : `each worker opens up to ${pool} connections per MySQL/PostgreSQL database (DATABASE_POOL_SIZE${config.databasePoolSize === null ? ', driver default' : ''}): ` +
        `${workers} workers × ${pool} = ${workers * pool} per database, which its server's max_connections must allow`;
  return { workers, warnings, connections };
}
