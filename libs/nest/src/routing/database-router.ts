import type { DjangoModelRef } from './django-model.js';

/**
 * Hints handed to a router: the request-scoped hints (see DatabaseHints) merged with any given by
 * the caller. Django passes `instance` and friends; here they are whatever the application sets.
 */
export type RoutingHints = Readonly<Record<string, unknown>>;

/**
 * One entry of Django's DATABASE_ROUTERS. Each method returns a database alias, or null/undefined
 * for "no opinion", and the next router is asked; when none answers, the default alias is used.
 */
export interface DatabaseRouter {
  dbForRead?(model: DjangoModelRef, hints: RoutingHints): string | null | undefined;
  dbForWrite?(model: DjangoModelRef, hints: RoutingHints): string | null | undefined;
}
