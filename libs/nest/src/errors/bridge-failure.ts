import { CacheUnavailable, SessionInterrupted } from '@django-bridge/core';
import { HttpStatus, Logger } from '@nestjs/common';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DjangoCsrfFailure, DjangoNotAuthenticated, DjangoPermissionDenied, DjangoUnsupportedContext } from './bridge-exceptions.js';
import { PasswordHashingBusy } from '../auth/password-hashing-busy.js';

/** The codes a client sees (GraphQL `extensions.code`, WebSocket `exception` payloads). */
export type BridgeErrorCode = 'BAD_REQUEST' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE';

/** How one of the bridge's errors is answered, whatever the transport. */
export interface BridgeFailure {
  status: number;
  code: BridgeErrorCode;
  /** HTTP reason phrase, as Nest's default error body has it. */
  error: string;
  message: string;
  /** Seconds for a Retry-After header (a 503 that will likely pass on a later try). */
  retryAfter?: number;
  /** A WWW-Authenticate header for a 401 (a token or JWT credential's scheme). */
  challenge?: string;
  /** Fields DRF clients read (`detail`, `code`, `messages`), answered beside the bridge's own. */
  drfBody?: Record<string, unknown>;
}

/** Every error class the bridge maps; DjangoBridgeExceptionFilter catches exactly these. */
export const BRIDGE_ERROR_TYPES = [DjangoDatabaseUnavailable, CacheUnavailable, SessionInterrupted, DjangoNotAuthenticated, DjangoPermissionDenied, DjangoCsrfFailure, DjangoUnsupportedContext, PasswordHashingBusy] as const;

const logger = new Logger('DjangoBridge');

/**
 * The one mapping of the bridge's errors to answers: 400 for an interrupted session (as Django),
 * 401 / 403 for authentication and authorization, 503 for a database or cache failure. Null for any other
 * error, which the bridge leaves to the application.
 */
export function bridgeFailure(err: unknown): BridgeFailure | null {
  if (err instanceof DjangoDatabaseUnavailable || err instanceof CacheUnavailable) return { status: HttpStatus.SERVICE_UNAVAILABLE, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: 'Session store unavailable; try again later' };
  // Overload, not a login decision: never a 401 that would read as a wrong password.
  if (err instanceof PasswordHashingBusy) return { status: HttpStatus.SERVICE_UNAVAILABLE, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: 'Too many logins at once; try again shortly', retryAfter: err.retryAfter };
  if (err instanceof SessionInterrupted) return { status: HttpStatus.BAD_REQUEST, code: 'BAD_REQUEST', error: 'Bad Request', message: err.message };
  if (err instanceof DjangoNotAuthenticated) return { status: HttpStatus.UNAUTHORIZED, code: 'UNAUTHENTICATED', error: 'Unauthorized', message: err.message, ...(err.challenge ? { challenge: err.challenge, drfBody: { detail: err.message, ...err.drfBody } } : {}) };
  if (err instanceof DjangoPermissionDenied || err instanceof DjangoCsrfFailure) return { status: HttpStatus.FORBIDDEN, code: 'FORBIDDEN', error: 'Forbidden', message: err.message };
  // The developer's explanation goes to the log (reportBridgeFailure); the client learns only the refusal.
  if (err instanceof DjangoUnsupportedContext) return { status: HttpStatus.FORBIDDEN, code: 'FORBIDDEN', error: 'Forbidden', message: `This transport is not supported (${err.contextType.split(' ', 1)[0]})` };
  return null;
}

/** Logs what the operator must see (the database error behind a 503, a guard on an unsupported transport); clients never get it. */
export function reportBridgeFailure(err: unknown): void {
  if (err instanceof DjangoDatabaseUnavailable) logger.error(`Django database query failed: ${(err.cause as Error)?.message ?? String(err.cause)}`);
  else if (err instanceof CacheUnavailable) logger.error(`Django cache failed: ${err.message}`);
  else if (err instanceof DjangoUnsupportedContext) logger.error(err.message);
  else if (err instanceof PasswordHashingBusy) reportHashingBusy(err);
}

let hashingBusyLogged = 0;
let hashingBusySince = 0;

/** One warning per minute at most: a login storm must not become a log storm. */
function reportHashingBusy(err: PasswordHashingBusy): void {
  hashingBusySince++;
  const now = Date.now();
  if (now - hashingBusyLogged < 60_000) return;
  logger.warn(`Password hashing saturated: ${hashingBusySince} login(s) answered 503 (${err.reason}) since the last warning; see the passwordHashing option and UV_THREADPOOL_SIZE`);
  hashingBusyLogged = now;
  hashingBusySince = 0;
}

/** The HTTP status the bridge gives an error; 500 for errors it does not know (the session is then not saved). */
export function bridgeStatus(err: unknown): number {
  const failure = bridgeFailure(err);
  if (failure) return failure.status;
  const status = (err as { getStatus?: () => unknown })?.getStatus?.();
  return typeof status === 'number' ? status : 500;
}

/**
 * A bridge failure as a resolver error: graphql-js copies `extensions` into the GraphQL error, so
 * Apollo and Mercurius both answer `{ message, extensions: { code } }`. The stack is one line, so a
 * server that shows stack traces in errors shows none of the bridge's frames.
 */
export class DjangoGraphQLError extends Error {
  readonly extensions: { code: BridgeErrorCode; status: number };

  constructor(failure: BridgeFailure) {
    super(failure.message);
    this.name = 'DjangoGraphQLError';
    this.extensions = { code: failure.code, status: failure.status };
    this.stack = `${this.name}: ${failure.message}`;
  }
}

/** The payload of the `exception` event a refused WebSocket message gets (Nest's `{ status: 'error', message }` plus the code). */
export function webSocketErrorPayload(failure: BridgeFailure): { status: 'error'; code: BridgeErrorCode; message: string } {
  return { status: 'error', code: failure.code, message: failure.message };
}
