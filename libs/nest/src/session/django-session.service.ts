import { DJANGO_VERSIONS, DjangoSession, deleteCookie, serializeCookie, type SessionBackend } from '@django-bridge/core';
import { Inject, Injectable } from '@nestjs/common';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { guardDatabase } from '../database/database-unavailable.js';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { appendVaryCookie, setResponseCookie } from '../http/http-adapter.js';
import { DjangoSessionStore } from './django-session-store.js';

/**
 * Django's SessionMiddleware for Nest: one DjangoSession per request (in its DjangoRequestContext,
 * loaded when first needed), and `commit` applies process_response: save when modified (or on
 * every request), never on a 500, refresh or delete the cookie, add `Vary: Cookie`. `req` is any
 * request the bridge understands: Express's or Fastify's, the `req` of a GraphQL context, or a
 * DjangoRequestContext.
 */
@Injectable()
export class DjangoSessionService {
  constructor(
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    /** The engine sessions live in (`sessionEngine`). */
    @Inject(DjangoSessionStore) readonly store: SessionBackend,
  ) {}

  /** The session cookie value carried by the request, if any. */
  cookieKey(req: object): string | undefined {
    return DjangoRequestContext.of(req).cookies[this.options.sessionCookieName];
  }

  /** The request's session object (created on first call, not yet loaded). */
  forRequest(req: object): DjangoSession {
    const context = DjangoRequestContext.of(req);
    if (!context.session) {
      const o = this.options;
      context.session = new DjangoSession(context.cookies[o.sessionCookieName], {
        backend: this.store,
        djangoVersion: o.djangoVersion,
        cookieAge: o.sessionCookieAge,
        expireAtBrowserClose: o.sessionExpireAtBrowserClose,
        timeZone: o.timeZone,
        keyPattern: o.sessionKeyPattern,
      });
    }
    return context.session;
  }

  /**
   * The loaded session; DjangoDatabaseUnavailable or CacheUnavailable when the store fails. Concurrent callers (the
   * root resolvers of one GraphQL operation run in parallel) share one read: DjangoSession.load
   * alone would query once per caller until the first read returns. A failed read is not kept.
   */
  async load(req: object): Promise<DjangoSession> {
    const session = this.forRequest(req);
    if (session.isLoaded) return session;
    const context = DjangoRequestContext.of(req);
    context.sessionLoad ??= guardDatabase(() => session.load()).finally(() => (context.sessionLoad = undefined));
    return context.sessionLoad;
  }

  /** The session if this request has touched it. */
  peek(req: object): DjangoSession | undefined {
    return DjangoRequestContext.peek(req)?.session;
  }

  /**
   * SessionMiddleware.process_response. Safe to run more than once per request (once per GraphQL
   * resolver): a saved session is saved again only when changed again, and each cookie is set once.
   * The root resolvers of one query run in parallel, so commits are queued per request: run side
   * by side, each would create its own row for a new session (orphans, one cookie) or update a row
   * another is still inserting.
   */
  async commit(req: object, res: object | undefined, statusCode: number): Promise<void> {
    const context = DjangoRequestContext.peek(req);
    if (!context?.session) return;
    const run = (context.sessionCommit ?? Promise.resolve()).then(() => this.commitNow(context, res, statusCode));
    context.sessionCommit = run.catch(() => undefined);
    return run;
  }

  private async commitNow(context: DjangoRequestContext, res: object | undefined, statusCode: number): Promise<void> {
    const session = context.session;
    if (!session) return;
    const o = this.options;
    const cookieOptions = { path: o.sessionCookiePath, domain: o.sessionCookieDomain, sameSite: o.sessionCookieSameSite };
    // Django deletes the cookie only when the request used the session and found it empty; an
    // early load (sessionLoading 'eager', a guard) is not a use, so a request that never reads the session (a
    // stylesheet, a route on another database) leaves the cookie alone.
    if (context.cookies[o.sessionCookieName] !== undefined && session.accessed && session.isEmpty()) {
      setResponseCookie(this.response(context, res), o.sessionCookieName, deleteCookie(o.sessionCookieName, cookieOptions));
      appendVaryCookie(this.response(context, res));
      return;
    }
    if (session.accessed) appendVaryCookie(this.response(context, res));
    const due = session.modified || (o.sessionSaveEveryRequest && !context.sessionSaved);
    if (!due || session.isEmpty() || !this.savesAfter(statusCode)) return;
    const maxAge = session.getExpireAtBrowserClose() ? null : session.getExpiryAge();
    const response = this.response(context, res);
    // A session never read has nothing new to write, but saving it unread would write it empty
    // (SESSION_SAVE_EVERY_REQUEST for a code path that loads lazily): read it first.
    if (!session.isLoaded) await this.load(context);
    // Cleared before the write: a parallel resolver that changes the session meanwhile marks it
    // again, and the next commit saves that change (a new session, which create() marks, is
    // written once more then).
    session.modified = false;
    try {
      await session.save();
    } catch (err) {
      session.modified = true;
      throw err;
    }
    context.sessionSaved = true;
    setResponseCookie(response, o.sessionCookieName, serializeCookie(o.sessionCookieName, session.key as string, { ...cookieOptions, maxAge, secure: o.sessionCookieSecure, httpOnly: o.sessionCookieHttpOnly }));
    // A response carrying the session cookie varies on Cookie even when the session was never read
    // (SESSION_SAVE_EVERY_REQUEST), or a shared cache could hand one user's cookie to others
    // (CVE-2026-35192; Django 5.2.14 and 6.0.5 do the same).
    appendVaryCookie(response);
  }

  /** Django 4.2+ saves no session after any 5xx answer (ticket #34173); 3.2 to 4.1 skip only a 500. */
  private savesAfter(statusCode: number): boolean {
    return DJANGO_VERSIONS.indexOf(this.options.djangoVersion) >= DJANGO_VERSIONS.indexOf('4.2') ? statusCode < 500 : statusCode !== 500;
  }

  private response(context: DjangoRequestContext, res: object | undefined): object {
    const response = res ?? context.response;
    // A session change that cannot reach the browser must not pass silently (a login that sets no cookie).
    if (!response) throw new Error(`The ${context.transport} request has no response to set the session cookie on; for GraphQL, return { req, res } (Express) or { req, reply } (Fastify) from the driver's context function`);
    return response;
  }
}
