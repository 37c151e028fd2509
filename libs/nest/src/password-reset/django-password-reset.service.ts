import { decodeUidb64, encodeUidb64, ImproperlyConfigured, makePassword, PasswordResetTokenGenerator, type PasswordResetUser } from '@django-bridge/core';
import { Inject, Injectable } from '@nestjs/common';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { DJANGO_BRIDGE_OPTIONS, HASH_SESSION_KEY } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoSessionService } from '../session/django-session.service.js';
import { DjangoUser } from '../users/django-user.js';
import { DjangoUserStore } from '../users/django-user-store.js';
import { DjangoInvalidResetLink } from './invalid-reset-link.js';
import type { ResolvedPasswordResetOptions } from './password-reset-options.js';

export interface SetPasswordOptions {
  /**
   * The request the change comes from. Its session is then treated as Django's
   * `update_session_auth_hash(request, user)`: the key is cycled and, when the session was logged
   * in as this user, it gets the new hash and stays logged in. Every other session of the user
   * stops working (their hash is of the old password).
   */
  request?: object;
}

/**
 * Django's password-reset links in Nest: `uidb64` and `default_token_generator` as
 * PasswordResetConfirmView reads them, so a link from Django's e-mail works here and one made
 * here works in Django; plus `set_password` with `update_session_auth_hash`.
 */
@Injectable()
export class DjangoPasswordResetService {
  /** The generator with the module's keys, line, TIME_ZONE and the passwordReset option. */
  readonly tokens: PasswordResetTokenGenerator;
  private readonly settings: ResolvedPasswordResetOptions;

  constructor(
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    @Inject(DjangoUserStore) private readonly users: DjangoUserStore,
    private readonly auth: DjangoAuthService,
    private readonly sessions: DjangoSessionService,
  ) {
    this.settings = options.passwordReset;
    this.tokens = new PasswordResetTokenGenerator({
      secretKey: options.secretKey,
      secretKeyFallbacks: options.secretKeyFallbacks,
      djangoVersion: options.djangoVersion,
      timeout: this.settings.timeout,
      algorithm: this.settings.algorithm,
      timeZone: options.timeZone,
      useTz: options.useTz,
    });
  }

  /** `urlsafe_base64_encode(force_bytes(user.pk))`. */
  uidb64(user: DjangoUser): string {
    return encodeUidb64(user.id);
  }

  /** `default_token_generator.make_token(user)`. */
  makeToken(user: DjangoUser): string {
    return this.tokens.makeToken(this.tokenState(user));
  }

  /** Both parts of a reset link, for `/reset/<uidb64>/<token>/`. */
  makeLink(user: DjangoUser): { uidb64: string; token: string } {
    return { uidb64: this.uidb64(user), token: this.makeToken(user) };
  }

  /** `default_token_generator.check_token(user, token)`. */
  checkToken(user: DjangoUser | null | undefined, token: unknown): boolean {
    return user ? this.tokens.checkToken(this.tokenState(user), token) : false;
  }

  /**
   * PasswordResetConfirmView's `get_user(uidb64)`: the user the link names, or null when it names
   * none (malformed, not a key of this model, unknown). Like Django, an inactive user is found.
   */
  async userFromUidb64(uidb64: unknown): Promise<DjangoUser | null> {
    const text = decodeUidb64(uidb64);
    if (text === null) return null;
    const pk = this.users.parsePk(text);
    return pk === null ? null : this.users.findById(pk);
  }

  /** The user of a valid link, or null (never an error for bad input). */
  async userForLink(uidb64: unknown, token: unknown): Promise<DjangoUser | null> {
    if (typeof token !== 'string' || token === '') return null;
    const user = await this.userFromUidb64(uidb64);
    return user && this.checkToken(user, token) ? user : null;
  }

  /** The user of a valid link; DjangoInvalidResetLink (400) otherwise. */
  async verifyLink(uidb64: unknown, token: unknown): Promise<DjangoUser> {
    const user = await this.userForLink(uidb64, token);
    if (!user) throw new DjangoInvalidResetLink();
    return user;
  }

  /**
   * The link checked, then the new password set (SetPasswordForm.save): the link stops working,
   * since the password is part of its hash. Returns the user.
   */
  async confirm(uidb64: unknown, token: unknown, rawPassword: string, options: SetPasswordOptions = {}): Promise<DjangoUser> {
    if (typeof rawPassword !== 'string') throw new DjangoInvalidResetLink();
    const user = await this.verifyLink(uidb64, token);
    await this.setPassword(user, rawPassword, options);
    return user;
  }

  /**
   * `user.set_password(raw); user.save()`: hashed with the configured hashers, waiting in the same
   * PasswordHashingLimiter as logins, and stored. With `request`, then `update_session_auth_hash`.
   */
  async setPassword(user: DjangoUser, rawPassword: string, options: SetPasswordOptions = {}): Promise<void> {
    if (typeof rawPassword !== 'string') throw new TypeError('setPassword needs the raw password as a string');
    // request.user as the view saw it, before the change (Django's views resolve it up front).
    const requestUser = options.request ? await this.auth.userFromRequest(options.request) : null;
    const hashers = this.options.hashers;
    const encoded = await this.auth.passwordHashing.run(() => makePassword(rawPassword, { hashers }));
    await this.users.setPassword(user, encoded);
    // Sessions verified under the old hash are stale now, in this process too.
    this.auth.verifiedSessions?.forgetUser(user.id);
    if (options.request) await this.rehashSession(options.request, user, requestUser);
  }

  /**
   * `update_session_auth_hash(request, user)` after a password change made elsewhere in the app:
   * cycle the session key and, when the request is logged in as `user`, store its new hash.
   */
  async updateSessionAuthHash(request: object, user: DjangoUser): Promise<void> {
    await this.rehashSession(request, user, await this.auth.userFromRequest(request));
  }

  private async rehashSession(request: object, user: DjangoUser, requestUser: DjangoUser | null): Promise<void> {
    const session = await this.sessions.load(request);
    this.auth.verifiedSessions?.forget(session.key);
    await session.cycleKey();
    // `request.user == user`: model equality, by primary key.
    if (requestUser && String(requestUser.id) === String(user.id)) session.set(HASH_SESSION_KEY, this.auth.sessionAuthHash(user));
  }

  /** What `_make_hash_value` reads off the user. */
  private tokenState(user: DjangoUser): PasswordResetUser {
    const field = this.settings.emailField;
    let email: string | null = null;
    if (field !== null) {
      const fields = user.fields ?? {};
      const value = field in fields ? fields[field] : DjangoUser.secretColumnOf(user, field);
      if (value === undefined && !(field in fields)) {
        throw new ImproperlyConfigured(`The password-reset token covers the user's "${field}" column, which the user store did not load: add it to userModel.extraColumns, or set passwordReset.emailField (null for a model without one)`);
      }
      email = value === null || value === undefined ? null : String(value);
    }
    return { pk: user.id, password: DjangoUser.passwordOf(user), lastLogin: user.lastLogin, email };
  }
}
