import type { DjangoSession } from '@django-bridge/core';
import type { HeaderCarrier } from '../context/django-request-context.js';
import type { DjangoUser } from '../users/django-user.js';

/** What the bridge knows of one WebSocket connection. */
export interface SocketState {
  /** The HTTP request that opened the socket: its Cookie, Origin and Host headers. */
  handshake: HeaderCarrier & object;
  /** The user of the last check (handshake, interval or guarded message), or null. */
  user: DjangoUser | null;
  /** The session read by that check. */
  session?: DjangoSession;
  timer?: ReturnType<typeof setInterval>;
}

const states = new WeakMap<object, SocketState>();

export const SocketStates = {
  get(client: object): SocketState | undefined {
    return states.get(client);
  },

  set(client: object, state: SocketState): void {
    states.set(client, state);
  },

  delete(client: object): void {
    const state = states.get(client);
    if (state?.timer) clearInterval(state.timer);
    states.delete(client);
  },

  /**
   * The handshake of a client: the one DjangoWebSocketAdapter recorded, else socket.io's own
   * `client.request`. A ws client keeps no request of its own, so without the adapter it has none.
   */
  handshake(client: object): (HeaderCarrier & object) | undefined {
    const recorded = states.get(client)?.handshake;
    if (recorded) return recorded;
    const request = (client as { request?: unknown }).request;
    return request && typeof request === 'object' && typeof (request as HeaderCarrier).headers === 'object' ? (request as HeaderCarrier & object) : undefined;
  },
};
