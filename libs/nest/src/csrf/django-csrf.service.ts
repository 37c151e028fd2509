import { CSRF_SESSION_KEY, csrfCookieValue, csrfSecretFromCookie, getNewCsrfSecret, maskCipherSecret, parseCookieHeader, serializeCookie, verifyCsrfRequest, type CsrfCheckResult } from '@django-bridge/core';
import { Inject, Injectable } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { appendSetCookie, appendVaryCookie, isSecureRequest, requestHeader } from '../http/http-adapter.js';
import { DjangoSessionService } from '../session/django-session.service.js';

interface CsrfState {
  secret: string | null;
  /** Set when a token was handed out or rotated: the cookie (or session) must be (re)written. */
  used: boolean;
}

/**
 * Django's CSRF protection: the `csrftoken` cookie (or `_csrftoken` in the session with
 * CSRF_USE_SESSIONS), masked tokens for forms and the X-CSRFToken header, rotation on login, and
 * CsrfViewMiddleware's checks.
 */
@Injectable()
export class DjangoCsrfService {
  private readonly states = new WeakMap<object, CsrfState>();

  constructor(
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    private readonly sessions: DjangoSessionService,
  ) {}

  /** The stored value as the request carries it (cookie, or session with CSRF_USE_SESSIONS). */
  private async stored(req: object): Promise<string | undefined> {
    if (this.options.csrfUseSessions) {
      const value = (await this.sessions.load(req)).get(CSRF_SESSION_KEY);
      return typeof value === 'string' ? value : undefined;
    }
    return parseCookieHeader(requestHeader(req, 'cookie'))[this.options.csrfCookieName];
  }

  private async state(req: object): Promise<CsrfState> {
    let state = this.states.get(req);
    if (!state) {
      state = { secret: csrfSecretFromCookie(await this.stored(req)), used: false };
      this.states.set(req, state);
    }
    return state;
  }

  /** `get_token`: a freshly masked token for the request's secret (created if missing). */
  async getToken(req: object): Promise<string> {
    const state = await this.state(req);
    state.secret ??= getNewCsrfSecret();
    state.used = true;
    return maskCipherSecret(state.secret);
  }

  /** `rotate_token` (called on login): a new secret, written with the response. */
  async rotate(req: object): Promise<void> {
    const state = await this.state(req);
    state.secret = getNewCsrfSecret();
    state.used = true;
  }

  /** CsrfViewMiddleware.process_view for this request; Django's reason on failure. */
  async check(req: object): Promise<CsrfCheckResult> {
    const o = this.options;
    const body = (req as { body?: unknown }).body;
    const formToken = body && typeof body === 'object' ? (body as Record<string, unknown>).csrfmiddlewaretoken : undefined;
    return verifyCsrfRequest({
      method: (req as { method?: string }).method ?? 'GET',
      storedToken: await this.stored(req),
      useSessions: o.csrfUseSessions,
      formToken: typeof formToken === 'string' ? formToken : null,
      headerToken: requestHeader(req, o.csrfHeaderName) ?? null,
      headerName: o.csrfHeaderName,
      origin: requestHeader(req, 'origin') ?? null,
      referer: requestHeader(req, 'referer') ?? null,
      isSecure: isSecureRequest(req),
      host: requestHeader(req, 'host') ?? null,
      trustedOrigins: o.csrfTrustedOrigins,
      cookieDomain: o.csrfUseSessions ? o.sessionCookieDomain : o.csrfCookieDomain,
      serverPort: (requestHeader(req, 'host') ?? '').match(/:(\d+)$/)?.[1] ?? (isSecureRequest(req) ? '443' : '80'),
    });
  }

  /** Writes the cookie (or session entry) when a token was used or rotated, as process_response does. */
  async commit(req: object, res: object): Promise<void> {
    const state = this.states.get(req);
    if (!state?.used || !state.secret) return;
    const o = this.options;
    const value = csrfCookieValue(state.secret, { djangoVersion: o.djangoVersion });
    if (o.csrfUseSessions) {
      const session = await this.sessions.load(req);
      if (session.get(CSRF_SESSION_KEY) !== value) session.set(CSRF_SESSION_KEY, value);
      return;
    }
    appendSetCookie(res, serializeCookie(o.csrfCookieName, value, { maxAge: o.csrfCookieAge, domain: o.csrfCookieDomain, path: o.csrfCookiePath, secure: o.csrfCookieSecure, httpOnly: o.csrfCookieHttpOnly, sameSite: o.csrfCookieSameSite }));
    appendVaryCookie(res);
  }
}
