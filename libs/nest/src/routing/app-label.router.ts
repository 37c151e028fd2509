import { ImproperlyConfigured } from '@django-bridge/core';
import type { DatabaseRouter, RoutingHints } from './database-router.js';
import type { DjangoModelRef } from './django-model.js';

export interface AppLabelRouterOptions {
  /** App labels routed by this router; default auth, contenttypes and sessions. */
  appLabels?: string[];
  /** The alias that holds them, e.g. "usersandsessions". */
  database: string;
  /** Read replicas of `database`; reads pick one at random, writes always go to `database`. */
  replicas?: string[];
  /** When it returns true the router abstains, e.g. the recipe's admin exception. */
  bypass?: (hints: RoutingHints) => boolean;
  /** Picks a replica; injectable for tests. Default Math.random. */
  random?: () => number;
}

/**
 * The "share users and sessions across projects" router: models of the listed apps (auth,
 * contenttypes, sessions) live in a shared database, everything else falls through to the next
 * router or the default. `bypass` reproduces the recipe's admin exception with request hints.
 */
export class AppLabelRouter implements DatabaseRouter {
  private readonly appLabels: ReadonlySet<string>;

  constructor(private readonly options: AppLabelRouterOptions) {
    if (!options || typeof options.database !== 'string' || !options.database) throw new ImproperlyConfigured('AppLabelRouter needs the alias of the shared database');
    this.appLabels = new Set(options.appLabels ?? ['auth', 'contenttypes', 'sessions']);
  }

  /** Whether this router handles the model under these hints. */
  protected routes(model: DjangoModelRef, hints: RoutingHints): boolean {
    return this.appLabels.has(model.appLabel) && !this.options.bypass?.(hints);
  }

  dbForRead(model: DjangoModelRef, hints: RoutingHints): string | null {
    if (!this.routes(model, hints)) return null;
    const replicas = this.options.replicas ?? [];
    // `{ primary: true }` pins reads that must see this request's own writes.
    if (replicas.length === 0 || hints.primary === true) return this.options.database;
    return replicas[Math.floor((this.options.random ?? Math.random)() * replicas.length) % replicas.length];
  }

  dbForWrite(model: DjangoModelRef, hints: RoutingHints): string | null {
    return this.routes(model, hints) ? this.options.database : null;
  }
}
