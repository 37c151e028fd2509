import { Logger, type INestApplicationContext, type WebSocketAdapter, type WsMessageHandler } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { HeaderCarrier } from '../context/django-request-context.js';
import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';
import { bridgeFailure, reportBridgeFailure, webSocketErrorPayload, type BridgeFailure } from '../errors/bridge-failure.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoSocketService } from './django-socket.service.js';
import { SocketStates } from './socket-state.js';

export interface DjangoWebSocketAdapterOptions {
  /**
   * Refuse handshakes without a valid Django session (default true). With false, anonymous sockets
   * connect (for @Public() events); guarded messages still need a user.
   */
  requireAuthentication?: boolean;
  /**
   * Seconds between re-checks of every connected socket (default 60): a logout, password change or
   * deactivation in Django disconnects the socket within this time. 0 turns the timer off (each
   * guarded message is still checked).
   */
  revalidateSeconds?: number;
}

type VerifyCallback = (result: boolean, code?: number, message?: string) => void;
type VerifyInfo = { origin: string; secure: boolean; req: HeaderCarrier & object };
type VerifyClient = (info: VerifyInfo, callback: VerifyCallback) => void;
/** ws also accepts a one-argument verifyClient that answers synchronously (false: 401). */
type SyncVerifyClient = (info: VerifyInfo) => boolean;
interface SocketIoServer {
  use(fn: (socket: SocketIoSocket, next: (err?: Error) => void) => void): unknown;
  sockets: unknown;
}
interface SocketIoSocket {
  request: HeaderCarrier & object;
  emit(event: string, data: unknown): unknown;
  disconnect(close?: boolean): unknown;
  once(event: string, fn: () => void): unknown;
}
interface WsClient {
  readyState: number;
  close(code?: number, reason?: string): void;
  once(event: string, fn: () => void): unknown;
}

const UNEXPECTED: BridgeFailure = { status: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: 'The session could not be checked' };
/** setInterval's largest delay; a longer one is silently replaced by 1 ms (a check every millisecond). */
const MAX_INTERVAL_MS = 2_147_483_647;

function isSocketIo(server: unknown): server is SocketIoServer {
  return !!server && typeof (server as SocketIoServer).use === 'function' && (server as SocketIoServer).sockets !== undefined;
}

function isWsServer(server: unknown): server is { options?: { verifyClient?: unknown } } {
  return !!server && typeof (server as { handleUpgrade?: unknown }).handleUpgrade === 'function';
}

/**
 * Puts Django's authentication in front of Nest's socket.io or ws adapter:
 *
 *   app.useWebSocketAdapter(new DjangoWebSocketAdapter(app, new IoAdapter(app)));
 *
 * The handshake is refused unless its Origin is this site or a CSRF trusted origin and (by
 * default) its session cookie gives a valid user; socket.io clients get a `connect_error` with
 * `data.code`, ws clients an HTTP 401/403/503 before the upgrade. Each connected socket is checked
 * again every `revalidateSeconds` and disconnected when its session no longer holds. Guards and
 * @CurrentUser() in gateways read what these checks found.
 */
export class DjangoWebSocketAdapter implements WebSocketAdapter {
  private readonly logger = new Logger('DjangoWebSocket');
  private readonly handshakes = new WeakMap<object, DjangoUser | null>();
  private readonly requireAuthentication: boolean;
  private readonly revalidateMs: number;
  private sockets: DjangoSocketService | undefined;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly inner: WebSocketAdapter & { dispose?: () => unknown; forceCloseConnections?: boolean },
    options: DjangoWebSocketAdapterOptions = {},
  ) {
    const seconds = options.revalidateSeconds ?? 60;
    if (!Number.isFinite(seconds) || seconds < 0 || seconds * 1000 > MAX_INTERVAL_MS) throw new TypeError(`DjangoWebSocketAdapter: revalidateSeconds must be a number of seconds from 0 to ${Math.floor(MAX_INTERVAL_MS / 1000)}`);
    this.requireAuthentication = options.requireAuthentication ?? true;
    this.revalidateMs = seconds * 1000;
  }

  set forceCloseConnections(value: boolean) {
    this.inner.forceCloseConnections = value;
  }

  private service(): DjangoSocketService {
    if (!this.sockets) {
      const sockets = this.app.get(DjangoSocketService, { strict: false });
      if (!sockets) throw new Error('DjangoWebSocketAdapter needs DjangoBridgeModule in the application');
      this.sockets = sockets;
    }
    return this.sockets;
  }

  create(port: number, options: Record<string, unknown> = {}): unknown {
    // socket.io skips middlewares for a connection restored by connectionStateRecovery unless told
    // not to; the handshake check is one, and a restored socket must be checked like a new one.
    const recovery = options.connectionStateRecovery;
    const restored = recovery && typeof recovery === 'object' ? { connectionStateRecovery: { ...recovery, skipMiddlewares: false } } : {};
    const server = this.inner.create(port, { ...options, ...restored, verifyClient: this.verifyClient(options.verifyClient as VerifyClient | SyncVerifyClient | undefined) });
    if (isSocketIo(server)) {
      server.use((socket, next) => this.socketIoHandshake(socket, next));
    } else if (!isWsServer(server) || typeof server.options?.verifyClient !== 'function') {
      // A server the bridge cannot put its check in front of would let every handshake through.
      throw new Error('DjangoWebSocketAdapter supports socket.io (IoAdapter) and ws (WsAdapter) servers; this adapter created a server it cannot authenticate');
    }
    return server;
  }

  bindClientConnect(server: unknown, callback: (...args: unknown[]) => unknown): unknown {
    return this.inner.bindClientConnect(server, (client: object, ...rest: unknown[]) => {
      if (!SocketStates.get(client)) {
        // The handshake's verdict waits under its key: ws, its request (the connection's second
        // argument); socket.io, the socket itself. It is attached (and its timer started) only now
        // that the client is connected.
        const ws = isWsClient(client);
        const key = (ws ? rest[0] : client) as object | undefined;
        if (!key || !this.handshakes.has(key)) return this.drop(client, UNEXPECTED);
        this.attach(client, ws ? (key as HeaderCarrier & object) : (client as SocketIoSocket).request, this.handshakes.get(key) ?? null);
        this.handshakes.delete(key);
      }
      return callback(client, ...rest);
    });
  }

  bindClientDisconnect(client: unknown, callback: (...args: unknown[]) => unknown): unknown {
    return this.inner.bindClientDisconnect?.(client, callback);
  }

  closeClient(client: unknown): unknown {
    return this.inner.closeClient?.(client);
  }

  bindMessageHandlers(client: unknown, handlers: WsMessageHandler[], transform: (data: unknown) => Observable<unknown>): unknown {
    return this.inner.bindMessageHandlers(client, handlers, transform);
  }

  close(server: unknown): unknown {
    return this.inner.close(server);
  }

  dispose(): unknown {
    return this.inner.dispose?.();
  }

  /** The handshake's user; throws the failure that refuses it. */
  private async handshake(request: HeaderCarrier & object): Promise<DjangoUser | null> {
    const user = await this.service().authenticate(request);
    if (!user && this.requireAuthentication) throw new DjangoNotAuthenticated();
    return user;
  }

  private failureOf(err: unknown): BridgeFailure {
    const failure = bridgeFailure(err);
    if (failure) reportBridgeFailure(err);
    else this.logger.error(err instanceof Error ? err.message : String(err));
    return failure ?? UNEXPECTED;
  }

  private verifyClient(own: VerifyClient | SyncVerifyClient | undefined): VerifyClient {
    return (info, verified) => {
      // Answered once: an application verifyClient that calls back and then throws is refused only if it had not answered.
      let answered = false;
      const callback: VerifyCallback = (...args) => {
        if (answered) return;
        answered = true;
        verified(...args);
      };
      this.handshake(info.req).then(
        (user) => {
          this.handshakes.set(info.req, user);
          if (!own) return callback(true);
          // ws calls a one-argument verifyClient synchronously and reads its answer (falsy: 401); given
          // a callback it never calls, the handshake would hang (and keep app.close() waiting).
          if (own.length < 2) return (own as SyncVerifyClient)(info) ? callback(true) : callback(false, 401);
          (own as VerifyClient)(info, callback);
        },
        (err: unknown) => {
          const failure = this.failureOf(err);
          callback(false, failure.status, failure.message);
        },
      ).catch((err: unknown) => {
        // The application's verifyClient threw: refuse (its error is for the log, not the client),
        // never leave the upgrade hanging or the rejection unhandled.
        this.logger.error(`verifyClient failed: ${err instanceof Error ? err.message : String(err)}`);
        callback(false, 500);
      });
    };
  }

  private socketIoHandshake(socket: SocketIoSocket, next: (err?: Error) => void): void {
    this.handshake(socket.request).then(
      (user) => {
        // Recorded, not attached: a later middleware may still refuse the socket, which then never
        // connects nor disconnects, and a revalidation timer started here would run forever.
        this.handshakes.set(socket, user);
        next();
      },
      (err: unknown) => {
        const failure = this.failureOf(err);
        next(Object.assign(new Error(failure.message), { data: { code: failure.code, status: failure.status } }));
      },
    );
  }

  private attach(client: object, handshake: HeaderCarrier & object, user: DjangoUser | null): void {
    const state = { handshake, user, timer: undefined as ReturnType<typeof setInterval> | undefined };
    SocketStates.set(client, state);
    const closed = () => SocketStates.delete(client);
    (client as SocketIoSocket).once(isWsClient(client) ? 'close' : 'disconnect', closed);
    if (this.revalidateMs === 0) return;
    let running = false;
    state.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.service()
        .revalidate(client)
        .then(
          (current) => {
            if (!current && this.requireAuthentication) this.drop(client, bridgeFailure(new DjangoNotAuthenticated())!);
          },
          (err: unknown) => this.drop(client, this.failureOf(err)),
        )
        .finally(() => (running = false));
    }, this.revalidateMs);
    state.timer.unref?.();
  }

  /** Ends a socket whose session no longer holds, telling the client why. */
  private drop(client: object, failure: BridgeFailure): void {
    SocketStates.delete(client);
    if (isWsClient(client)) {
      // 4000 + HTTP status: 4401 unauthenticated, 4403 forbidden, 4503 database down.
      client.close(4000 + failure.status, failure.message.slice(0, 120));
      return;
    }
    const socket = client as SocketIoSocket;
    socket.emit('exception', webSocketErrorPayload(failure));
    socket.disconnect(true);
  }
}

function isWsClient(client: object): client is WsClient {
  return typeof (client as WsClient).readyState === 'number' && typeof (client as WsClient).close === 'function';
}
