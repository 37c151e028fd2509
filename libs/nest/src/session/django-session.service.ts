import { DjangoSession, deleteCookie, parseCookieHeader, serializeCookie } from '@django-bridge/core';
import { guardDatabase } from '../database/database-unavailable.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { appendSetCookie, appendVaryCookie, requestHeader } from '../http/http-adapter.js';
import { TypeOrmSessionStore } from './typeorm-session.store.js';

/**
 * Django's SessionMiddleware for Nest: one DjangoSession per request (loaded when first needed),
 * and `commit` applies process_response: save when modified (or on every request), never on a 500,
 * refresh or delete the cookie, add `Vary: Cookie`.
 */
@Injectable()
export class DjangoSessionService {
  private readonly logger = new Logger('DjangoSession');
  private readonly sessions = new WeakMap<object, DjangoSession>();
  readonly store: TypeOrmSessionStore;

  constructor(@Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions) {
    this.store = new TypeOrmSessionStore(options.databases, { useTz: options.useTz, timeZone: options.timeZone });
  }

  /** The cookie value carried by the request, if any. */
  cookieKey(req: object): string | undefined {
    return parseCookieHeader(requestHeader(req, 'cookie'))[this.options.sessionCookieName];
  }

  /** The request's session object (created on first call, not yet loaded). */
  forRequest(req: object): DjangoSession {
    let session = this.sessions.get(req);
    if (!session) {
      const o = this.options;
      session = new DjangoSession(this.cookieKey(req), {
        backend: this.store,
        secretKey: o.secretKey,
        fallbackKeys: o.secretKeyFallbacks,
        serializer: o.sessionSerializer,
        salt: o.sessionSalt,
        djangoVersion: o.djangoVersion,
        cookieAge: o.sessionCookieAge,
        expireAtBrowserClose: o.sessionExpireAtBrowserClose,
        timeZone: o.timeZone,
        keyPattern: o.sessionKeyPattern,
        onCorrupt: (err) => this.logger.warn(err.message),
      });
      this.sessions.set(req, session);
      // Handlers read it through @CurrentSession().
      Object.defineProperty(req, 'djangoSession', { value: session, configurable: true, enumerable: false });
    }
    return session;
  }

  /** The loaded session; DjangoDatabaseUnavailable when the database fails. */
  async load(req: object): Promise<DjangoSession> {
    const session = this.forRequest(req);
    return guardDatabase(() => session.load());
  }

  /** The session if this request has touched it. */
  peek(req: object): DjangoSession | undefined {
    return this.sessions.get(req);
  }

  /** SessionMiddleware.process_response. */
  async commit(req: object, res: object, statusCode: number): Promise<void> {
    const session = this.sessions.get(req);
    if (!session) return;
    const o = this.options;
    const cookieOptions = { path: o.sessionCookiePath, domain: o.sessionCookieDomain, sameSite: o.sessionCookieSameSite };
    // Django deletes the cookie only when the request used the session and found it empty; the
    // interceptor's early load is not a use, so a request that never reads the session (a
    // stylesheet, a route on another database) leaves the cookie alone.
    if (this.cookieKey(req) !== undefined && session.accessed && session.isEmpty()) {
      appendSetCookie(res, deleteCookie(o.sessionCookieName, cookieOptions));
      appendVaryCookie(res);
      return;
    }
    if (session.accessed) appendVaryCookie(res);
    if (!(session.modified || o.sessionSaveEveryRequest) || session.isEmpty() || statusCode === 500) return;
    const maxAge = session.getExpireAtBrowserClose() ? null : session.getExpiryAge();
    await session.save();
    appendSetCookie(res, serializeCookie(o.sessionCookieName, session.key as string, { ...cookieOptions, maxAge, secure: o.sessionCookieSecure, httpOnly: o.sessionCookieHttpOnly }));
  }
}
