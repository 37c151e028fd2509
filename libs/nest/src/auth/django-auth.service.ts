import { checkPassword, constantTimeCompare, InvalidPasswordHash, makePassword, sessionAuthHash, verifySessionAuthHash, type DjangoSession } from '@django-bridge/core';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SecretKeyMonitor } from '../startup/secret-key-monitor.js';
import { BACKEND_SESSION_KEY, DJANGO_BRIDGE_OPTIONS, HASH_SESSION_KEY, SESSION_KEY } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { DjangoSessionService } from '../session/django-session.service.js';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { DjangoUser } from '../users/django-user.js';
import { DjangoUserStore } from '../users/django-user-store.js';
import { UserAuthorizations } from '../users/user-authorization.js';
import { PasswordHashingLimiter } from './password-hashing-limiter.js';
import { VerifiedSessionCache } from './verified-session-cache.js';

/**
 * Django's `django.contrib.auth` functions against the shared database: get_user (with the session
 * auth hash check), authenticate (ModelBackend), login, logout, and permissions.
 */
@Injectable()
export class DjangoAuthService {
  /** Groups and permissions per user object (so per request), in one statement where the store can. */
  private authorizationCache: UserAuthorizations | undefined;
  private readonly logger = new Logger('DjangoAuth');
  /**
   * Every password hash of this service waits here (passwordHashing option). Use it for your own
   * hashes too, e.g. `auth.passwordHashing.run(() => makePassword(raw, { hashers }))`.
   */
  readonly passwordHashing: PasswordHashingLimiter;
  /**
   * Sessions verified recently (verifiedSessionCache option), undefined when off. A password
   * changed by the app's own code should `forgetUser(user.id)` here.
   */
  readonly verifiedSessions: VerifiedSessionCache | undefined;

  constructor(
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    private readonly sessions: DjangoSessionService,
    private readonly csrf: DjangoCsrfService,
    /** Django's users, groups and permissions (`userStore`, TypeORM by default). */
    @Inject(DjangoUserStore) readonly users: DjangoUserStore,
    /** Counts session auth hashes that no key verifies, to warn about a wrong secretKey. */
    @Optional() private readonly secretKeyMonitor?: SecretKeyMonitor,
  ) {
    this.passwordHashing = new PasswordHashingLimiter(options.passwordHashing);
    this.verifiedSessions = options.verifiedSessionCache ? new VerifiedSessionCache(options.verifiedSessionCache) : undefined;
  }

  /** The current hash of a password for `_auth_user_hash`. */
  sessionAuthHash(user: DjangoUser): string {
    return sessionAuthHash(this.passwordHash(user), this.options.secretKey);
  }

  /** The user's encoded password hash, which the user object itself never carries. */
  passwordHash(user: DjangoUser): string {
    return DjangoUser.passwordOf(user);
  }

  /** A column of `userModel.secretColumns`, kept out of the user object and its JSON. */
  secretColumn(user: DjangoUser, column: string): unknown {
    return DjangoUser.secretColumnOf(user, column);
  }

  /**
   * `django.contrib.auth.get_user`: the session's user if the backend is allowed, the user exists
   * and may log in, and the session auth hash still matches its password (a mismatch flushes the
   * session, a match under a fallback key re-keys it, as Django 4.1.8+ does).
   */
  async userFromSession(session: DjangoSession, { rekey = true }: { rekey?: boolean } = {}): Promise<DjangoUser | null> {
    const userId = this.users.parsePk(session.get(SESSION_KEY));
    const backend = session.get(BACKEND_SESSION_KEY);
    if (userId === null || typeof backend !== 'string' || !this.options.authenticationBackends.includes(backend)) return null;
    const user = await this.users.findById(userId);
    if (!user || !this.canAuthenticate(user, backend)) return null;
    const status = verifySessionAuthHash(session.get(HASH_SESSION_KEY), this.passwordHash(user), {
      secretKey: this.options.secretKey,
      fallbackKeys: this.options.secretKeyFallbacks,
      djangoVersion: this.options.djangoVersion,
    });
    const stored = session.get(HASH_SESSION_KEY);
    if (status === 'invalid' && typeof stored === 'string' && stored !== '') this.secretKeyMonitor?.failed('session auth hash');
    if (status !== 'invalid') this.secretKeyMonitor?.verified();
    if (status === 'invalid') {
      this.verifiedSessions?.forget(session.key);
      await session.flush();
      return null;
    }
    // Re-keying needs a response to send the new cookie on; a WebSocket has none, so the session
    // stays under its old key there (and is re-keyed on the user's next HTTP request).
    if (status === 'fallback' && rekey) {
      await session.cycleKey();
      session.set(HASH_SESSION_KEY, this.sessionAuthHash(user));
    }
    return user;
  }

  /**
   * The user of a request (loads its session), looked up once per request: every guard, strategy
   * and resolver of one HTTP request or GraphQL operation shares the answer.
   */
  userFromRequest(req: object): Promise<DjangoUser | null> {
    const context = DjangoRequestContext.of(req);
    if (context.user !== undefined) return Promise.resolve(context.user);
    // A WebSocket message is checked afresh every time; HTTP and GraphQL may use the cache.
    const cache = context.transport === 'ws' ? undefined : this.verifiedSessions;
    const key = cache ? this.sessions.cookieKey(req) : undefined;
    const remembered = key === undefined ? undefined : cache!.get(key);
    if (remembered) {
      // The answer still depends on the cookie: mark the session used so the response varies on it.
      this.sessions.forRequest(req).accessed = true;
      return Promise.resolve((context.user = remembered));
    }
    context.userLookup ??= this.sessions.load(req).then(async (session) => {
      const user = await this.userFromSession(session, { rekey: context.transport !== 'ws' });
      // Only a session verified as it stands: not one flushed, re-keyed or changed on the way.
      if (cache && key !== undefined && user && session.key === key && !session.modified) cache.set(key, user, session.getExpiryAge() * 1000);
      return user;
    });
    // A failed lookup (database down) is not remembered: the next guard asks again.
    return context.userLookup.then(
      (user) => (context.user = user),
      (err: unknown) => {
        context.userLookup = undefined;
        throw err;
      },
    );
  }

  /** ModelBackend.user_can_authenticate; the AllowAll backends let inactive users in. */
  canAuthenticate(user: DjangoUser, backend = this.options.authenticationBackends[0]): boolean {
    return user.isActive || backend.endsWith('.AllowAllUsersModelBackend') || backend.endsWith('.AllowAllUsersRemoteUserBackend');
  }

  /**
   * ModelBackend.authenticate: the user if the password is right and the user may log in. An
   * unknown user still costs one hash, so timing does not reveal who exists; an outdated hash is
   * upgraded in the database (rehash on login).
   */
  async authenticate(username: unknown, password: unknown): Promise<DjangoUser | null> {
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const hashers = this.options.hashers;
    const user = await this.users.findByUsername(username);
    if (!user) {
      await this.passwordHashing.run(() => makePassword(password, { hashers }));
      return null;
    }
    const ok = await this.verify(user, password);
    return ok && this.canAuthenticate(user) ? user : null;
  }

  /**
   * `django.contrib.auth.login`: flush a session that belongs to someone else (or to a stale
   * password), otherwise cycle its key; store the three auth keys; rotate the CSRF token; update
   * last_login.
   */
  async login(req: object, user: DjangoUser, backend = this.options.authenticationBackends[0]): Promise<void> {
    const session = await this.sessions.load(req);
    this.verifiedSessions?.forget(session.key);
    const hash = this.sessionAuthHash(user);
    if (session.has(SESSION_KEY)) {
      const current = this.users.parsePk(session.get(SESSION_KEY));
      if (String(current) !== String(user.id) || !constantTimeCompare(String(session.get(HASH_SESSION_KEY, '')), hash)) await session.flush();
    } else {
      await session.cycleKey();
    }
    session.set(SESSION_KEY, String(user.id));
    session.set(BACKEND_SESSION_KEY, backend);
    session.set(HASH_SESSION_KEY, hash);
    setRequestUser(req, user);
    await this.csrf.rotate(req);
    await this.users.updateLastLogin(user);
  }

  /** `django.contrib.auth.logout`: the session is flushed (row deleted, cookie cleared). */
  async logout(req: object): Promise<void> {
    const session = await this.sessions.load(req);
    this.verifiedSessions?.forget(session.key);
    await session.flush();
    setRequestUser(req, null);
  }

  private get authorizations(): UserAuthorizations {
    return (this.authorizationCache ??= new UserAuthorizations(this.users));
  }

  /** ModelBackend.get_all_permissions, cached per user object. */
  allPermissions(user: DjangoUser): Promise<Set<string>> {
    return this.authorizations.permissionsOf(user);
  }

  /** PermissionsMixin.has_perm: an active superuser has every permission, an inactive user none. */
  async hasPerm(user: DjangoUser, perm: string): Promise<boolean> {
    if (!user.isActive) return false;
    if (user.isSuperuser) return true;
    return (await this.allPermissions(user)).has(perm);
  }

  async hasPerms(user: DjangoUser, perms: readonly string[]): Promise<boolean> {
    for (const perm of perms) if (!(await this.hasPerm(user, perm))) return false;
    return true;
  }

  /** The user's group names, sorted; cached per user object like the permissions. */
  groupNames(user: DjangoUser): Promise<string[]> {
    return this.authorizations.groupsOf(user);
  }

  /** mod_wsgi's `groups_for_user`: the group names of an active user, [] for unknown or inactive ones. */
  async groupsForUser(username: string): Promise<string[]> {
    const user = await this.users.findByUsername(username);
    return user && user.isActive ? this.groupNames(user) : [];
  }

  /**
   * mod_wsgi's `check_password`: null when the user is unknown or inactive (after burning one
   * hash, as patched Django does), else whether the password is right (rehashing if outdated).
   */
  async checkUserPassword(username: string, password: string): Promise<boolean | null> {
    const hashers = this.options.hashers;
    const user = await this.users.findByUsername(username);
    if (!user || !user.isActive) {
      await this.passwordHashing.run(() => makePassword(password, { hashers }));
      return null;
    }
    return this.verify(user, password);
  }

  /**
   * check_password with rehash-on-login under the passwordUpgrade policy. A stored hash whose work factor exceeds the configured
   * limits is refused (logged for the operator), never hashed and never a 500.
   */
  private async verify(user: DjangoUser, password: string): Promise<boolean> {
    const hashers = this.options.hashers;
    try {
      // The check and an upgrade's new hash share one slot (a second run() would queue behind this
      // one); the database write happens after the slot is freed.
      const { ok, upgraded } = await this.passwordHashing.run(async () => {
        let raw: string | undefined;
        const ok = await checkPassword(password, this.passwordHash(user), { hashers, upgrade: this.options.passwordUpgrade, setter: (value) => void (raw = value) });
        return { ok, upgraded: raw === undefined ? undefined : await makePassword(raw, { hashers }) };
      });
      if (upgraded !== undefined) {
        await this.users.setPassword(user, upgraded);
        // The session auth hash follows the password: sessions verified under the old one are stale.
        this.verifiedSessions?.forgetUser(user.id);
      }
      return ok;
    } catch (err) {
      if (!(err instanceof InvalidPasswordHash)) throw err;
      this.logger.warn(`Password check refused for user ${user.id}: ${err.message}`);
      return false;
    }
  }
}

/** `request.user` after login/logout: in the request context, and on the request for Passport-style code. */
function setRequestUser(req: object, user: DjangoUser | null): void {
  const context = DjangoRequestContext.of(req);
  context.user = user;
  context.userLookup = undefined;
  if (!(req instanceof DjangoRequestContext)) (req as Express.Request).user = user ?? undefined;
}
