import { ImproperlyConfigured } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import { DatabaseHints } from './database-hints.js';
import type { DatabaseRouter, RoutingHints } from './database-router.js';
import type { DjangoModelRef } from './django-model.js';

export interface DjangoDatabasesOptions {
  /** Django's DATABASES: TypeORM DataSources by alias. Must include the default alias. */
  databases: Record<string, DataSource>;
  /** Django's DATABASE_ROUTERS, asked in order. */
  routers?: DatabaseRouter[];
  /** The alias used when no router answers; default "default". */
  defaultAlias?: string;
}

/**
 * Django's `ConnectionRouter` over TypeORM DataSources: picks the DataSource that reads or writes a
 * model by asking each router in turn, with the request's hints (DatabaseHints) merged under any
 * given per call. An alias that no DataSource has is a configuration error, never a silent fallback.
 */
export class DjangoDatabases {
  readonly defaultAlias: string;
  private readonly databases: ReadonlyMap<string, DataSource>;
  private readonly routers: readonly DatabaseRouter[];

  constructor(options: DjangoDatabasesOptions) {
    this.defaultAlias = options.defaultAlias ?? 'default';
    const entries = Object.entries(options.databases ?? {});
    for (const [alias, ds] of entries) {
      if (!ds || typeof (ds as DataSource).query !== 'function' || !(ds as DataSource).options) throw new ImproperlyConfigured(`databases.${alias} must be a TypeORM DataSource`);
    }
    this.databases = new Map(entries);
    if (!this.databases.has(this.defaultAlias)) throw new ImproperlyConfigured(`databases must define the default alias "${this.defaultAlias}"`);
    this.routers = [...(options.routers ?? [])];
    for (const [i, router] of this.routers.entries()) {
      if (!router || (typeof router.dbForRead !== 'function' && typeof router.dbForWrite !== 'function')) throw new ImproperlyConfigured(`databaseRouters[${i}] has neither dbForRead nor dbForWrite`);
    }
  }

  /** One DataSource and no routers: what a single-database site has. */
  static single(dataSource: DataSource): DjangoDatabases {
    return new DjangoDatabases({ databases: { default: dataSource } });
  }

  get aliases(): string[] {
    return [...this.databases.keys()];
  }

  /** The DataSource of an alias (Django's `connections[alias]`). */
  get(alias: string): DataSource {
    const ds = this.databases.get(alias);
    if (!ds) throw new ImproperlyConfigured(`database router chose "${alias}", which is not one of the configured databases (${this.aliases.join(', ')})`);
    return ds;
  }

  get default(): DataSource {
    return this.get(this.defaultAlias);
  }

  /** `router.db_for_read(model, **hints)`. */
  aliasForRead(model: DjangoModelRef, hints: RoutingHints = {}): string {
    return this.route('dbForRead', model, hints);
  }

  /** `router.db_for_write(model, **hints)`. */
  aliasForWrite(model: DjangoModelRef, hints: RoutingHints = {}): string {
    return this.route('dbForWrite', model, hints);
  }

  forRead(model: DjangoModelRef, hints?: RoutingHints): DataSource {
    return this.get(this.aliasForRead(model, hints));
  }

  forWrite(model: DjangoModelRef, hints?: RoutingHints): DataSource {
    return this.get(this.aliasForWrite(model, hints));
  }

  private route(method: 'dbForRead' | 'dbForWrite', model: DjangoModelRef, hints: RoutingHints): string {
    const merged = { ...DatabaseHints.current(), ...hints };
    for (const router of this.routers) {
      const chosen = router[method]?.(model, merged);
      if (chosen !== null && chosen !== undefined) return chosen;
    }
    return this.defaultAlias;
  }
}
