import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { RequestConnections } from '../database/request-connections.js';
import { DatabaseHints } from './database-hints.js';

/** What the middleware reads from a request: Express's and Fastify's raw requests both have these. */
export interface HintRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** The default request hints: `path` (without the query) and `method`. */
export function defaultDatabaseHints(req: HintRequest): Record<string, unknown> {
  const url = req.originalUrl ?? req.url ?? '/';
  return { path: url.split('?', 1)[0], method: req.method };
}

/**
 * Opens the request's DatabaseHints scope before guards, interceptors and handlers run, so that
 * database routers see per-request hints (the recipe's RouterMiddleware, without a thread-local).
 * DjangoBridgeModule mounts it on every route.
 */
@Injectable()
export class DatabaseHintsMiddleware implements NestMiddleware {
  constructor(@Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions) {}

  use(req: HintRequest, _res: unknown, next: (error?: unknown) => void): void {
    // And the request's connection scope: its bridge statements share one pool checkout.
    DatabaseHints.run(this.options.databaseHints(req), () => RequestConnections.run(() => next()));
  }
}
