import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppLabelRouter, dataSourceOptionsFromUrl, djangoEntities, pathIsUnder, type DatabaseRouter, type RoutingHints } from '@django-bridge/nest';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { SampleConfig } from '../config/sample.config.js';
import { Note } from '../notes/note.entity.js';
import { CreateNotes1700000000000 } from '../notes/create-notes.migration.js';

/** The Django database alias, as in the recipe's DATABASES. */
export const USERS_AND_SESSIONS = 'usersandsessions';
/** The app's own database. */
export const DEFAULT_DATABASE = 'default';

export interface SampleDatabases {
  /** DATABASES for DjangoBridgeModule: default, usersandsessions and its replicas. */
  all: Record<string, DataSource>;
  routers: DatabaseRouter[];
  django: DataSource;
  app: DataSource;
  close(): Promise<void>;
}

/**
 * The recipe's admin exception: requests under /admin use the app's local auth and session tables,
 * so the service keeps its own administrators while everyone else signs in with Django's users.
 * Routers choose databases, not caches: with the cache or signed_cookies engines /admin sessions
 * share the cache (or cookie) with the others, and the session's auth hash, which must match the
 * user's password hash, keeps one table's session from signing in the other table's user.
 */
export function isAdminRequest(hints: RoutingHints): boolean {
  return typeof hints.path === 'string' && pathIsUnder(hints.path, '/admin');
}

function openOptions(url: string, variable: string, poolSize: number | null): DataSourceOptions {
  const options = dataSourceOptionsFromUrl(url, variable);
  if (options.type === 'better-sqlite3' && options.database !== ':memory:') mkdirSync(dirname(String(options.database)), { recursive: true });
  // Each process has its own pool: processes × poolSize is what the server must allow.
  if (poolSize !== null && (options.type === 'mysql' || options.type === 'mariadb' || options.type === 'postgres')) return { ...options, poolSize };
  return options;
}

/**
 * Opens the sample's DataSources. Django's tables are described by entities but never synchronised
 * (Django's migrations own them); the app's notes table is created by the app's own migration.
 */
export async function openSampleDatabases(config: SampleConfig): Promise<SampleDatabases> {
  const opened: DataSource[] = [];
  const open = async (options: DataSourceOptions) => {
    const ds = new DataSource(options);
    await ds.initialize();
    opened.push(ds);
    return ds;
  };
  try {
    const django = await open({ ...openOptions(config.djangoDatabaseUrl, 'DJANGO_DATABASE_URL', config.databasePoolSize), entities: djangoEntities(), synchronize: false, logging: false } as DataSourceOptions);
    const replicas: Record<string, DataSource> = {};
    for (const [i, url] of config.djangoReplicaUrls.entries()) {
      replicas[`${USERS_AND_SESSIONS}_replica${i + 1}`] = await open({ ...openOptions(url, 'DJANGO_DATABASE_REPLICA_URLS', config.databasePoolSize), entities: djangoEntities(), synchronize: false, logging: false } as DataSourceOptions);
    }
    const app = await open({
      ...openOptions(config.appDatabaseUrl, 'APP_DATABASE_URL', config.databasePoolSize),
      entities: [Note],
      migrations: [CreateNotes1700000000000],
      migrationsTableName: 'sample_migrations',
      synchronize: false,
      logging: false,
    } as DataSourceOptions);
    const router = new AppLabelRouter({
      // DRF's tokens and SimpleJWT's blacklist point at auth_user: they live beside it.
      appLabels: ['auth', 'contenttypes', 'sessions', 'authtoken', 'token_blacklist'],
      database: USERS_AND_SESSIONS,
      replicas: Object.keys(replicas),
      bypass: isAdminRequest,
    });
    return {
      all: { [DEFAULT_DATABASE]: app, [USERS_AND_SESSIONS]: django, ...replicas },
      routers: [router],
      django,
      app,
      close: () => closeAll(opened),
    };
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
}

async function closeAll(sources: DataSource[]): Promise<void> {
  await Promise.allSettled(sources.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
}
