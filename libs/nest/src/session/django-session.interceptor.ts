import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, concatMap, from, type Observable, switchMap } from 'rxjs';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { transportRequest } from '../context/execution-transport.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { DJANGO_BRIDGE_OPTIONS, LOADS_SESSION_KEY } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { bridgeStatus } from '../errors/bridge-failure.js';
import { DjangoSessionService } from './django-session.service.js';

/**
 * Django's SessionMiddleware around every HTTP handler and GraphQL resolver: gives the request its
 * session, and saves it after the handler (also after 4xx errors, never after a 500), writing the
 * session and CSRF cookies on the HTTP response. The session is read lazily, as Django's is: by
 * the guard or service that first needs it, or here before a handler marked with LoadSession
 * (`@CurrentSession()` marks its handler), so a route that never uses it makes no query even when
 * a cookie comes with the request (and keeps answering while the session store is down). A
 * WebSocket message has no response to write to, so sessions are not saved there. Registered
 * globally by DjangoBridgeModule; it decides nothing about access (guards do).
 */
@Injectable()
export class DjangoSessionInterceptor implements NestInterceptor {
  constructor(
    protected readonly sessions: DjangoSessionService,
    protected readonly csrf: DjangoCsrfService,
    protected readonly reflector: Reflector,
    @Inject(DJANGO_BRIDGE_OPTIONS) protected readonly options: ResolvedBridgeOptions,
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
    // Without a cookie the session starts empty and costs no query; with one, it is read at most once per request.
    this.sessions.forRequest(request);
    const before = this.sessions.cookieKey(request) !== undefined && this.loadsBefore(context) ? this.sessions.load(request) : Promise.resolve();
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

  /**
   * Whether the session is read before the handler: when the handler says it uses it, when every
   * request saves it anyway (SESSION_SAVE_EVERY_REQUEST), or with sessionLoading 'eager'.
   */
  protected loadsBefore(context: ExecutionContext): boolean {
    if (this.options.sessionLoading === 'eager' || this.options.sessionSaveEveryRequest) return true;
    return this.reflector.getAllAndOverride<boolean | undefined>(LOADS_SESSION_KEY, [context.getHandler(), context.getClass()]) === true;
  }

  protected async commit(req: object, res: object | undefined, status: number): Promise<void> {
    // CSRF first: with CSRF_USE_SESSIONS its secret goes into the session saved next.
    await this.csrf.commit(req, res);
    await this.sessions.commit(req, res, status);
  }
}
