import { SessionInterrupted } from '@django-bridge/core';
import { BadRequestException, HttpException, Injectable, Logger, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, type Observable, switchMap } from 'rxjs';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { DjangoSessionService } from './django-session.service.js';

const logger = new Logger('DjangoBridge');

/** Maps bridge failures to HTTP: 400 for an interrupted session (as Django), 503 for a database failure. */
export function toHttpError(err: unknown): unknown {
  if (err instanceof SessionInterrupted) return new BadRequestException(err.message);
  if (err instanceof DjangoDatabaseUnavailable) {
    logger.error(`Django database query failed: ${(err.cause as Error)?.message ?? err.cause}`);
    return new ServiceUnavailableException('Session store unavailable; try again later');
  }
  return err;
}

/**
 * Loads the request's Django session when a session cookie is present, and saves it after the
 * handler the way Django's SessionMiddleware does (also after 4xx errors, never after a 500);
 * writes the CSRF cookie when a token was handed out or rotated.
 * Registered globally by DjangoBridgeModule.
 */
@Injectable()
export class DjangoSessionInterceptor implements NestInterceptor {
  constructor(
    protected readonly sessions: DjangoSessionService,
    protected readonly csrf: DjangoCsrfService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<object>();
    const res = http.getResponse<object>();
    // Without a cookie the session starts empty and costs no query; with one, it is read once here.
    this.sessions.forRequest(req);
    const before = this.sessions.cookieKey(req) !== undefined ? this.sessions.load(req).catch((err) => Promise.reject(toHttpError(err))) : Promise.resolve();
    return from(before).pipe(
      switchMap(() => next.handle()),
      concatMap(async (body) => {
        await this.commit(req, res, 200);
        return body;
      }),
      catchError(async (thrown: unknown) => {
        const err = toHttpError(thrown);
        const status = err instanceof HttpException ? err.getStatus() : 500;
        if (status !== 500 && !(err instanceof ServiceUnavailableException)) await this.commit(req, res, status);
        throw err;
      }),
    );
  }

  protected async commit(req: object, res: object, status: number): Promise<void> {
    try {
      // CSRF first: with CSRF_USE_SESSIONS its secret goes into the session saved next.
      await this.csrf.commit(req, res);
      await this.sessions.commit(req, res, status);
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
