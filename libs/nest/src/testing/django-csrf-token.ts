import { CSRF_SESSION_KEY, csrfCookieValue, DjangoSession, getNewCsrfSecret, maskCipherSecret, serializeCookie, type SessionBackend } from '@django-bridge/core';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoSessionStore } from '../session/django-session-store.js';
import type { DjangoBridgeHost, DjangoSessionCookie } from './django-session-cookie.js';

export interface DjangoCsrfTokenOptions {
  /**
   * The session the request will carry (from createDjangoSessionCookie). Required with
   * `csrfUseSessions`, where the secret is stored in it; otherwise only joined into `headers`.
   */
  session?: DjangoSessionCookie;
}

export interface DjangoCsrfToken {
  /** A freshly masked token, as `get_token()` returns it: for the header or `csrfmiddlewaretoken`. */
  token: string;
  /** CSRF_HEADER_NAME as configured (default "X-CSRFToken"). */
  headerName: string;
  /** The csrftoken cookie (`name=value`); null with `csrfUseSessions`. */
  cookie: string | null;
  /** Its Set-Cookie line, as the bridge would send it; null with `csrfUseSessions`. */
  setCookie: string | null;
  /** The session cookie after the secret went into it (signed_cookies changes its value); else as given. */
  session: DjangoSessionCookie | null;
  /** Everything an unsafe request needs, for supertest's `.set()`: Cookie (CSRF and session) and the token header. */
  headers: Record<string, string>;
}

function option<T>(host: DjangoBridgeHost, token: unknown, what: string): T {
  try {
    return host.get(token, { strict: false }) as T;
  } catch {
    throw new Error(`createDjangoCsrfToken: the application has no ${what}; is DjangoBridgeModule imported?`);
  }
}

/**
 * A CSRF secret and a masked token that pass the application's DjangoCsrfGuard and Django's
 * CsrfViewMiddleware alike: the secret goes into the csrftoken cookie (masked on lines before 4.1,
 * as those write it), or into the given session with `csrfUseSessions`. Requests over plain HTTP
 * without Origin pass; over HTTPS, Django also wants an Origin or Referer of the site.
 */
export async function createDjangoCsrfToken(host: DjangoBridgeHost, options: DjangoCsrfTokenOptions = {}): Promise<DjangoCsrfToken> {
  if (!host || typeof host.get !== 'function') throw new TypeError('createDjangoCsrfToken: give the Nest application or testing module');
  const o = option<ResolvedBridgeOptions>(host, DJANGO_BRIDGE_OPTIONS, 'DjangoBridgeModule options');
  const secret = getNewCsrfSecret();
  const token = maskCipherSecret(secret);
  let session = options.session ?? null;
  let cookie: string | null = null;
  let setCookie: string | null = null;
  if (o.csrfUseSessions) {
    if (!session) throw new Error('createDjangoCsrfToken: with csrfUseSessions the secret lives in the session; pass { session } from createDjangoSessionCookie');
    session = await storeInSession(option<SessionBackend>(host, DjangoSessionStore, 'DjangoSessionStore'), o, session, secret);
  } else {
    const value = csrfCookieValue(secret, { djangoVersion: o.djangoVersion });
    cookie = `${o.csrfCookieName}=${value}`;
    setCookie = serializeCookie(o.csrfCookieName, value, { path: o.csrfCookiePath, domain: o.csrfCookieDomain, sameSite: o.csrfCookieSameSite, maxAge: o.csrfCookieAge, secure: o.csrfCookieSecure, httpOnly: o.csrfCookieHttpOnly });
  }
  const cookies = [cookie, session?.header].filter((c): c is string => Boolean(c));
  return { token, headerName: o.csrfHeaderName, cookie, setCookie, session, headers: { ...(cookies.length ? { Cookie: cookies.join('; ') } : {}), [o.csrfHeaderName]: token } };
}

/** Puts the secret under `_csrftoken`, as CSRF_USE_SESSIONS does, and returns the cookie that now names the session. */
async function storeInSession(store: SessionBackend, o: ResolvedBridgeOptions, given: DjangoSessionCookie, secret: string): Promise<DjangoSessionCookie> {
  const session = new DjangoSession(given.value, { backend: store, djangoVersion: o.djangoVersion, cookieAge: o.sessionCookieAge, expireAtBrowserClose: o.sessionExpireAtBrowserClose, timeZone: o.timeZone, keyPattern: o.sessionKeyPattern });
  await session.load();
  if (session.isEmpty()) throw new Error('createDjangoCsrfToken: the given session is empty or gone; make it with createDjangoSessionCookie first');
  session.set(CSRF_SESSION_KEY, secret);
  await session.save();
  const value = session.key as string;
  const maxAge = session.getExpireAtBrowserClose() ? null : session.getExpiryAge();
  const setCookie = serializeCookie(o.sessionCookieName, value, { path: o.sessionCookiePath, domain: o.sessionCookieDomain, sameSite: o.sessionCookieSameSite, maxAge, secure: o.sessionCookieSecure, httpOnly: o.sessionCookieHttpOnly });
  return { ...given, value, header: `${o.sessionCookieName}=${value}`, setCookie };
}
