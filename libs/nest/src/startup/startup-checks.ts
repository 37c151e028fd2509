import { ImproperlyConfigured } from '@django-bridge/core';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { checkTable, requiredTables, type DjangoTable } from './django-tables.js';
import { warnMissingConnectTimeouts } from './connect-timeout-warning.js';
import { RetriesExhausted, retrying } from './retry.js';

const logger = new Logger('DjangoBridge');

/** Logs the one line, then stops start-up with it (Nest rejects app.init()/listen() with this error). */
function refuse(message: string): never {
  logger.error(message);
  throw new ImproperlyConfigured(message);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Fails start-up, with one clear line, on what would otherwise surface per request as 503s: a
 * DataSource never initialized, a database that does not answer (after the `startupChecks` retry
 * policy), Django's tables or columns missing. Checks only what the configured stores use, and
 * nothing with `startupChecks: false`.
 */
@Injectable()
export class DjangoStartupChecks implements OnModuleInit {
  constructor(@Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions) {}

  async onModuleInit(): Promise<void> {
    const checks = this.options.startupChecks;
    const databases = this.options.databases;
    // A warning, not a check: it holds with startupChecks off too.
    warnMissingConnectTimeouts(databases);
    if (!checks.enabled || databases === null) return;
    const tables = requiredTables(this.options);
    if (tables.length === 0) return;
    for (const alias of databases.aliases) this.checkInitialized(alias, databases.get(alias));
    for (const alias of databases.aliases) await this.checkReachable(alias, databases.get(alias));
    for (const table of tables) {
      const aliases = new Set([databases.aliasForRead(table.model), ...(table.written ? [databases.aliasForWrite(table.model)] : [])]);
      for (const alias of aliases) await this.checkTable(alias, databases.get(alias), table);
    }
  }

  private checkInitialized(alias: string, dataSource: DataSource): void {
    if (dataSource.isInitialized) return;
    refuse(`DjangoBridgeModule: the DataSource of database "${alias}" was never initialized; call "await dataSource.initialize()" before the app starts, or let TypeOrmModule create it and inject it with forRootAsync`);
  }

  private async checkReachable(alias: string, dataSource: DataSource): Promise<void> {
    const { retries, retryDelay, timeout } = this.options.startupChecks;
    try {
      await retrying(() => dataSource.query('SELECT 1'), { retries, retryDelay, timeout });
    } catch (err) {
      const e = err as RetriesExhausted;
      refuse(`DjangoBridgeModule: database "${alias}" (${dataSource.options.type}) did not answer after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'} in ${seconds(e.elapsedMs)}: ${e.message} (see the "startupChecks" option)`);
    }
  }

  private async checkTable(alias: string, dataSource: DataSource, table: DjangoTable): Promise<void> {
    const problem = await checkTable(dataSource, table);
    if (problem === null) return;
    const where = `database "${alias}"`;
    if (problem.kind === 'missing-table') refuse(`DjangoBridgeModule: table "${table.table}" does not exist in ${where} (${table.neededBy} reads it); run "manage.py migrate" for the Django site, or point the bridge at the site's database`);
    if (problem.kind === 'missing-column') refuse(`DjangoBridgeModule: table "${table.table}" in ${where} lacks a column ${table.neededBy} reads (${problem.detail}); ${table.neededBy.startsWith('userModel') ? 'check the "userModel" option against the Django model, or ' : ''}run "manage.py migrate"`);
    refuse(`DjangoBridgeModule: table "${table.table}" in ${where} cannot be read (${problem.detail})`);
  }
}
