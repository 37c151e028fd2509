import { ImproperlyConfigured } from '@django-bridge/core';
import type { DatabaseRouter } from './database-router.js';

export interface PrimaryReplicaRouterOptions {
  /** The alias that takes every write; default "default". */
  primary?: string;
  /** Aliases of read replicas; reads pick one at random. */
  replicas: string[];
  /** Picks a replica; injectable for tests. Default Math.random. */
  random?: () => number;
}

/**
 * Django's multi-db docs' PrimaryReplicaRouter: reads go to a random replica, writes to the
 * primary. Replication lag means a read right after a write may not see it; route such reads to
 * the primary with a hint (`{ primary: true }` via DatabaseHints) when that matters.
 */
export class PrimaryReplicaRouter implements DatabaseRouter {
  private readonly primary: string;

  constructor(private readonly options: PrimaryReplicaRouterOptions) {
    if (!options || !Array.isArray(options.replicas) || options.replicas.length === 0) throw new ImproperlyConfigured('PrimaryReplicaRouter needs at least one replica alias');
    this.primary = options.primary ?? 'default';
  }

  dbForRead(_model: unknown, hints: Readonly<Record<string, unknown>>): string {
    if (hints.primary === true) return this.primary;
    const replicas = this.options.replicas;
    return replicas[Math.floor((this.options.random ?? Math.random)() * replicas.length) % replicas.length];
  }

  dbForWrite(): string {
    return this.primary;
  }
}
