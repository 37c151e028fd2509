import { DjangoSession, serializeCookie, type SessionBackend } from '@django-bridge/core';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { BACKEND_SESSION_KEY, DJANGO_BRIDGE_OPTIONS, HASH_SESSION_KEY, SESSION_KEY } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoSessionStore } from '../session/django-session-store.js';
import { DjangoUser } from '../users/django-user.js';
import { DjangoUserStore } from '../users/django-user-store.js';

/** A Nest application, application context or TestingModule: whatever resolves providers. */
export interface DjangoBridgeHost {
  get(token: unknown, options?: { strict?: boolean }): unknown;
}

/** Whom to log in: by primary key, by USERNAME_FIELD, or a user already loaded. */
export type DjangoLoginTarget = { userId: number | string } | { username: string } | { user: DjangoUser };

export type DjangoSessionCookieOptions = DjangoLoginTarget & {
  /** More session data stored beside the auth keys (a cart, a language); the auth keys win. */
  extra?: Record<string, unknown>;
  /** `_auth_user_backend`; default the first of `authenticationBackends`, as force_login uses. */
  backend?: string;
  /** Update `last_login` as Django's login signal does; default true (Client.force_login does too). */
  updateLastLogin?: boolean;
};

export interface DjangoSessionCookie {
  /** SESSION_COOKIE_NAME as configured. */
  name: string;
  /** The session key (signed_cookies: the signed session itself). */
  value: string;
  /** `name=value`, ready for a Cookie request header. */
  header: string;
  /** The Set-Cookie line the bridge would send for it (for browsers driven by a test). */
  setCookie: string;
  user: DjangoUser;
}

function resolve<T>(host: DjangoBridgeHost, token: unknown, what: string): T {
  try {
    return host.get(token, { strict: false }) as T;
  } catch {
    throw new Error(`createDjangoSessionCookie: the application has no ${what}; is DjangoBridgeModule imported?`);
  }
}

async function findUser(users: DjangoUserStore, target: DjangoLoginTarget): Promise<DjangoUser> {
  if ('user' in target) {
    if (!(target.user instanceof DjangoUser)) throw new TypeError('createDjangoSessionCookie: `user` must be a DjangoUser from the user store');
    return target.user;
  }
  if ('userId' in target) {
    const pk = users.parsePk(target.userId);
    const user = pk === null ? null : await users.findById(pk);
    if (!user) throw new Error(`createDjangoSessionCookie: no user with primary key ${JSON.stringify(target.userId)}`);
    return user;
  }
  if ('username' in target && typeof target.username === 'string') {
    const user = await users.findByUsername(target.username);
    if (!user) throw new Error(`createDjangoSessionCookie: no user with username ${JSON.stringify(target.username)}`);
    return user;
  }
  throw new TypeError('createDjangoSessionCookie: give userId, username or user');
}

/**
 * Logs a user in without a password, as Django's test `Client.force_login` does, and returns the
 * session cookie. The session is written through the application's own session store, in the
 * engine it is configured with, holding what `DjangoAuthService.login` stores: `_auth_user_id`
 * (as a string), `_auth_user_backend` and `_auth_user_hash`. So the cookie is accepted by the Nest
 * application and by the Django site sharing its database and SECRET_KEY.
 */
export async function createDjangoSessionCookie(host: DjangoBridgeHost, options: DjangoSessionCookieOptions): Promise<DjangoSessionCookie> {
  if (!host || typeof host.get !== 'function') throw new TypeError('createDjangoSessionCookie: give the Nest application or testing module');
  if (!options || typeof options !== 'object') throw new TypeError('createDjangoSessionCookie: give userId, username or user');
  const o = resolve<ResolvedBridgeOptions>(host, DJANGO_BRIDGE_OPTIONS, 'DjangoBridgeModule options');
  const store = resolve<SessionBackend>(host, DjangoSessionStore, 'DjangoSessionStore');
  const users = resolve<DjangoUserStore>(host, DjangoUserStore, 'DjangoUserStore');
  const auth = resolve<DjangoAuthService>(host, DjangoAuthService, 'DjangoAuthService');
  const user = await findUser(users, options);
  const backend = options.backend ?? o.authenticationBackends[0];
  // A session Django's get_user would throw away is no use to a test: say why now.
  if (!o.authenticationBackends.includes(backend)) throw new Error(`createDjangoSessionCookie: backend "${backend}" is not in authenticationBackends (${o.authenticationBackends.join(', ')})`);
  if (!auth.canAuthenticate(user, backend)) throw new Error(`createDjangoSessionCookie: user ${user.id} is inactive; ${backend} does not log inactive users in`);

  const session = new DjangoSession(null, { backend: store, djangoVersion: o.djangoVersion, cookieAge: o.sessionCookieAge, expireAtBrowserClose: o.sessionExpireAtBrowserClose, timeZone: o.timeZone, keyPattern: o.sessionKeyPattern });
  await session.load();
  if (options.extra) session.update(options.extra);
  session.set(SESSION_KEY, String(user.id));
  session.set(BACKEND_SESSION_KEY, backend);
  session.set(HASH_SESSION_KEY, auth.sessionAuthHash(user));
  await session.save();
  if (options.updateLastLogin ?? true) await users.updateLastLogin(user);

  const value = session.key as string;
  const maxAge = session.getExpireAtBrowserClose() ? null : session.getExpiryAge();
  const setCookie = serializeCookie(o.sessionCookieName, value, { path: o.sessionCookiePath, domain: o.sessionCookieDomain, sameSite: o.sessionCookieSameSite, maxAge, secure: o.sessionCookieSecure, httpOnly: o.sessionCookieHttpOnly });
  return { name: o.sessionCookieName, value, header: `${o.sessionCookieName}=${value}`, setCookie, user };
}

/**
 * Headers that make a request come from the user, for supertest's `.set()`:
 * `request(app.getHttpServer()).get('/me').set(await loginAs(app, { username: 'alice' }))`.
 */
export async function loginAs(host: DjangoBridgeHost, options: DjangoSessionCookieOptions): Promise<{ Cookie: string }> {
  return { Cookie: (await createDjangoSessionCookie(host, options)).header };
}
