import { checkCsrfOrigin, CSRF_SESSION_KEY, DJANGO_VERSIONS, csrfCookieValue, csrfSecretFromCookie, getNewCsrfSecret, maskCipherSecret, serializeCookie, verifyCsrfRequest, type CsrfCheckResult } from '@django-bridge/core';
import { Inject, Injectable } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoRequestContext, type CsrfState } from '../context/django-request-context.js';
import { appendVaryCookie, isSecureRequest, requestHeader, setResponseCookie } from '../http/http-adapter.js';
import { DjangoSessionService } from '../session/django-session.service.js';

/**
 * Django's CSRF protection: the `csrftoken` cookie (or `_csrftoken` in the session with
 * CSRF_USE_SESSIONS), masked tokens for forms and the X-CSRFToken header, rotation on login, and
 * CsrfViewMiddleware's checks.
 */
@Injectable()
export class DjangoCsrfService {
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
    return DjangoRequestContext.of(req).cookies[this.options.csrfCookieName];
  }

  private async state(req: object): Promise<CsrfState> {
    const context = DjangoRequestContext.of(req);
    if (!context.csrf) {
      const stored = await this.stored(req);
      // Parallel resolvers of one request get here together: the first state wins, or each
      // get_token would mint its own secret and every token but the last would be refused.
      context.csrf ??= { secret: csrfSecretFromCookie(stored), used: false };
    }
    return context.csrf;
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
    // Django reads csrfmiddlewaretoken from request.POST, which only form bodies fill: a JSON
    // (or GraphQL) body's field of that name is not a token.
    const body = isFormBody(requestHeader(req, 'content-type')) ? (req as { body?: unknown }).body : undefined;
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
      // Refusals worded as the configured line words them: 3.2 is the one known line before 4.0's
      // precise token reasons, and 5.2 moved the Referer check from urlparse to urlsplit.
      legacyTokenReason: o.djangoVersion === '3.2',
      refererAsSplit: DJANGO_VERSIONS.indexOf(o.djangoVersion) >= DJANGO_VERSIONS.indexOf('5.2'),
    });
  }

  /**
   * The Origin check alone (`_origin_verified`), for WebSocket handshakes, which carry no token:
   * the Origin must be this site's own origin or a CSRF_TRUSTED_ORIGINS entry. A missing Origin is
   * refused (Django Channels' OriginValidator does the same), with one exception: socket.io's first
   * long-polling request is a same-origin GET, which browsers send without Origin; it passes when
   * the browser says so itself (`Sec-Fetch-Site: same-origin`) and it is not a WebSocket upgrade
   * (browsers always send Origin on those, and a cross-site page can never claim same-origin).
   */
  checkOrigin(req: object): CsrfCheckResult {
    const origin = requestHeader(req, 'origin');
    if (origin === undefined) {
      const upgrade = (requestHeader(req, 'upgrade') ?? '').toLowerCase() === 'websocket';
      if (!upgrade && requestHeader(req, 'sec-fetch-site') === 'same-origin') return { ok: true };
      return { ok: false, reason: 'Origin checking failed - no Origin.' };
    }
    return checkCsrfOrigin({ origin, isSecure: isSecureRequest(req), host: requestHeader(req, 'host') ?? null, trustedOrigins: this.options.csrfTrustedOrigins });
  }

  /** Writes the cookie (or session entry) when a token was used or rotated, as process_response does. */
  async commit(req: object, res: object | undefined): Promise<void> {
    const state = DjangoRequestContext.peek(req)?.csrf;
    if (!state?.used || !state.secret) return;
    const o = this.options;
    const value = csrfCookieValue(state.secret, { djangoVersion: o.djangoVersion });
    if (o.csrfUseSessions) {
      const session = await this.sessions.load(req);
      if (session.get(CSRF_SESSION_KEY) !== value) session.set(CSRF_SESSION_KEY, value);
      return;
    }
    const response = res ?? DjangoRequestContext.of(req).response;
    if (!response) throw new Error('The request has no response to set the CSRF cookie on');
    setResponseCookie(response, o.csrfCookieName, serializeCookie(o.csrfCookieName, value, { maxAge: o.csrfCookieAge, domain: o.csrfCookieDomain, path: o.csrfCookiePath, secure: o.csrfCookieSecure, httpOnly: o.csrfCookieHttpOnly, sameSite: o.csrfCookieSameSite }));
    appendVaryCookie(response);
  }
}

/** The content types whose fields Django parses into request.POST. */
function isFormBody(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}
