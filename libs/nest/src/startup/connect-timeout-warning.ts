import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DjangoDatabases } from '../routing/django-databases.js';

const logger = new Logger('DjangoBridge');

/**
 * The connect-timeout option a DataSource of the application's own lacks, or null. Without it
 * node-postgres waits for a connection forever (libpq's default) and mysql2 10 s; meanwhile the
 * attempt holds a pool slot. `databaseTimeout` still bounds each request, but a stalled server
 * fills the pool with attempts that never end. DataSources built by dataSourceOptionsFromUrl
 * always set one (DEFAULT_CONNECT_TIMEOUT), so they never warn.
 */
export function missingConnectTimeout(dataSource: DataSource): string | null {
  const options = dataSource.options as { type: string; connectTimeoutMS?: unknown; connectTimeout?: unknown; extra?: Record<string, unknown> };
  const extra = options.extra ?? {};
  if (options.type === 'postgres') return options.connectTimeoutMS === undefined && extra.connectionTimeoutMillis === undefined ? 'connectTimeoutMS' : null;
  if (options.type === 'mysql' || options.type === 'mariadb') return options.connectTimeout === undefined && extra.connectTimeout === undefined ? 'connectTimeout' : null;
  return null;
}

/** Logs, once per database lacking it, which connect-timeout option to set. */
export function warnMissingConnectTimeouts(databases: DjangoDatabases | null): void {
  if (databases === null) return;
  for (const alias of databases.aliases) {
    const dataSource = databases.get(alias);
    const option = missingConnectTimeout(dataSource);
    if (option === null) continue;
    const driver = dataSource.options.type === 'postgres' ? 'node-postgres waits for a connection without limit' : 'mysql2 waits up to 10 s for a connection';
    logger.warn(`The DataSource of database "${alias}" (${dataSource.options.type}) has no "${option}": ${driver}, holding a pool slot while the server is stalled. Set ${option} (e.g. ${option}: 5000) in its options, or build it with dataSourceOptionsFromUrl, which sets one.`);
  }
}
