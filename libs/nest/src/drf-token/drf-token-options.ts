import { ImproperlyConfigured } from '@django-bridge/core';
import type { DrfTokenStore } from './drf-token-store.js';
import { DRF_TOKEN_TABLE } from './typeorm-drf-token.store.js';

/** DjangoBridgeModule's `drfToken` option: DRF's TokenAuthentication and Token model. */
export interface DrfTokenOptions {
  /** TokenAuthentication.keyword: the scheme of `Authorization: <keyword> <key>`; default 'Token'. */
  keyword?: string;
  /** The Token model's table; default 'authtoken_token'. */
  table?: string;
  /** A token store of the application's own (bounded by `storeTimeout`); default the table on the site's databases. */
  store?: DrfTokenStore;
}

export interface ResolvedDrfTokenOptions {
  keyword: string;
  table: string;
  store: DrfTokenStore | null;
}

/** An HTTP auth-scheme is a token (RFC 9110 5.6.2), so it compares as DRF's ASCII-lowered bytes do. */
const SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STORE_METHODS = ['findByKey', 'findByUser', 'insert', 'replace', 'deleteForUser', 'deleteKey'] as const;
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function resolveDrfTokenOptions(value: unknown): ResolvedDrfTokenOptions {
  const fail = (problem: string): never => {
    throw new ImproperlyConfigured(`DjangoBridgeModule option "drfToken" ${problem}`);
  };
  if (value === undefined) return { keyword: 'Token', table: DRF_TOKEN_TABLE, store: null };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('must be an object { keyword, table, store }');
  const { keyword = 'Token', table = DRF_TOKEN_TABLE, store = null, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length) fail(`has unknown field(s) ${Object.keys(rest).join(', ')} (use keyword, table, store)`);
  if (typeof keyword !== 'string' || !SCHEME.test(keyword)) fail('.keyword must be an HTTP auth scheme (letters, digits and !#$%&\'*+-.^_`|~, no spaces), like "Token" or "Bearer"');
  if (typeof table !== 'string' || !TABLE.test(table)) fail('.table must be a table name (letters, digits, _ and $)');
  // By shape, not instanceof: the ESM and CommonJS copies of the package have different classes.
  if (store !== null && (typeof store !== 'object' || STORE_METHODS.some((m) => typeof (store as Record<string, unknown>)[m] !== 'function'))) fail(`.store must implement DrfTokenStore (${STORE_METHODS.join(', ')})`);
  return { keyword: keyword as string, table: table as string, store: store as DrfTokenStore | null };
}
