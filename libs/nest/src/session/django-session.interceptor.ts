import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, type Observable, switchMap } from 'rxjs';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { transportRequest } from '../context/execution-transport.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { bridgeStatus } from '../errors/bridge-failure.js';
import { DjangoSessionService } from './django-session.service.js';

/**
 * Django's SessionMiddleware around every HTTP handler and GraphQL resolver: loads the request's
 * session when a session cookie is present, and saves it after the handler (also after 4xx
 * errors, never after a 500), writing the session and CSRF cookies on the HTTP response. A
 * WebSocket message has no response to write to, so sessions are not saved there. Registered
 * globally by DjangoBridgeModule; it decides nothing about access (guards do).
 */
@Injectable()
export class DjangoSessionInterceptor implements NestInterceptor {
  constructor(
    protected readonly sessions: DjangoSessionService,
    protected readonly csrf: DjangoCsrfService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'graphql') return next.handle();
    let target;
    try {
      target = transportRequest(context, 'DjangoSessionInterceptor');
    } catch {
      // A GraphQL context without an HTTP request (a subscription over graphql-ws) has no session to
      // keep; guards refuse it on their own.
      return next.handle();
    }
    const { request, response, transport } = target;
    const state = DjangoRequestContext.of(request, transport);
    state.response ??= response;
    // Without a cookie the session starts empty and costs no query; with one, it is read once per request.
    this.sessions.forRequest(request);
    const before = this.sessions.cookieKey(request) !== undefined ? this.sessions.load(request) : Promise.resolve();
    return from(before).pipe(
      switchMap(() => next.handle()),
      concatMap(async (body) => {
        await this.commit(request, response, 200);
        return body;
      }),
      catchError(async (thrown: unknown) => {
        const status = bridgeStatus(thrown);
        if (status !== 500 && status !== 503) await this.commit(request, response, status);
        throw thrown;
      }),
    );
  }

  protected async commit(req: object, res: object | undefined, status: number): Promise<void> {
    // CSRF first: with CSRF_USE_SESSIONS its secret goes into the session saved next.
    await this.csrf.commit(req, res);
    await this.sessions.commit(req, res, status);
  }
}
