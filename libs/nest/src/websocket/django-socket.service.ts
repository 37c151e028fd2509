import { Injectable } from '@nestjs/common';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { DjangoRequestContext, type HeaderCarrier } from '../context/django-request-context.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { DjangoCsrfFailure, DjangoUnsupportedContext } from '../errors/bridge-exceptions.js';
import type { DjangoUser } from '../users/django-user.js';
import { RequestConnections } from '../database/request-connections.js';
import { SocketStates } from './socket-state.js';

/**
 * Authenticates WebSocket connections the way HTTP requests are: the handshake's Origin must be
 * this site or a CSRF trusted origin (so a page elsewhere cannot open a socket with the user's
 * cookie), and the session cookie must give an active user whose session auth hash still matches.
 * Every check reads the session and the user afresh, so a logout, password change or
 * deactivation made in Django is seen at the next check.
 */
@Injectable()
export class DjangoSocketService {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly csrf: DjangoCsrfService,
  ) {}

  /** The user of a handshake request, or null; DjangoCsrfFailure for a foreign or missing Origin. */
  async authenticate(handshake: HeaderCarrier & object): Promise<DjangoUser | null> {
    return (await this.check(handshake)).user;
  }

  private async check(handshake: HeaderCarrier & object): Promise<{ user: DjangoUser | null; context: DjangoRequestContext }> {
    const origin = this.csrf.checkOrigin(handshake);
    if (!origin.ok) throw new DjangoCsrfFailure(origin.reason);
    // A fresh context each time: the session row and the user are read again, never cached.
    const context = new DjangoRequestContext(handshake, 'ws');
    // Its session and user statements share one pool checkout, as an HTTP request's do.
    return { user: await RequestConnections.run(() => this.auth.userFromRequest(context)), context };
  }

  /** Checks a connected client again and records the answer for @CurrentUser(). */
  async revalidate(client: object): Promise<DjangoUser | null> {
    const handshake = SocketStates.handshake(client);
    if (!handshake) throw new DjangoUnsupportedContext('ws (a socket whose handshake was not recorded: use DjangoWebSocketAdapter)', 'DjangoSocketService');
    const state = SocketStates.get(client) ?? { handshake, user: null };
    SocketStates.set(client, state);
    try {
      const { user, context } = await this.check(handshake);
      state.user = user;
      state.session = context.session;
    } catch (err) {
      state.user = null;
      state.session = undefined;
      throw err;
    }
    return state.user;
  }

  /** The user of the client's last check, or null. */
  userOf(client: object): DjangoUser | null {
    return SocketStates.get(client)?.user ?? null;
  }
}
