/**
 * A Nest app over the bridge with a WebSocket gateway on the HTTP server's port, for end-to-end
 * tests: Express or Fastify for HTTP, socket.io (IoAdapter) or ws (WsAdapter) for the sockets,
 * wrapped in DjangoWebSocketAdapter. Every handler answers with an event of its own name, so
 * socket.io and ws clients read the same `{ event, data }` shape.
 */
import 'reflect-metadata';
import { Module, UseGuards, type INestApplication, type LoggerService } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit, type WsResponse } from '@nestjs/websockets';
import { DataSource } from 'typeorm';
import { CurrentUser, djangoEntities, DjangoBridgeModule, DjangoCsrfGuard, DjangoPermissionsGuard, DjangoSessionGuard, DjangoWebSocketAdapter, Public, RequireGroups, RequirePermissions, StaffOnly, type DjangoUser } from '@django-bridge/nest';
import type { DjangoVersion } from '@django-bridge/core';
import type { DjangoConnection } from '../../django/django-project.js';
import { BRIDGE_VERSION } from './django-line.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

export type HttpPlatform = 'express' | 'fastify';
export type SocketKind = 'socket.io' | 'ws';

/** The origins the app trusts besides its own (CSRF_TRUSTED_ORIGINS). */
export const TRUSTED_ORIGINS = ['https://app.example.com', 'https://*.trusted.example'];

function whoamiView(user: DjangoUser) {
  return { username: user.username, isStaff: user.isStaff, json: JSON.stringify(user) };
}

/** Every handler run, so that tests can show a refused message never reached its handler. */
abstract class RecordingGateway {
  readonly calls: string[] = [];

  protected answer<T>(event: string, data: T): WsResponse<T> {
    this.calls.push(event);
    return { event, data };
  }
}

/** Guards per handler, as an application adds them one by one. */
@WebSocketGateway()
class BridgeGateway extends RecordingGateway {
  @Public()
  @SubscribeMessage('ping')
  ping(@MessageBody() body: unknown) {
    return this.answer('ping', { pong: true, echo: body ?? null });
  }

  @UseGuards(DjangoSessionGuard)
  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: DjangoUser) {
    return this.answer('whoami', whoamiView(user));
  }

  @UseGuards(DjangoSessionGuard)
  @RequireGroups('secret-agents')
  @SubscribeMessage('agents')
  agents(@CurrentUser('username') username: string) {
    return this.answer('agents', { ok: true, username });
  }

  @UseGuards(DjangoSessionGuard)
  @StaffOnly()
  @SubscribeMessage('staff')
  staff(@CurrentUser('username') username: string) {
    return this.answer('staff', { ok: true, username });
  }

  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note')
  @SubscribeMessage('canAddNote')
  canAddNote(@CurrentUser('username') username: string) {
    return this.answer('canAddNote', { ok: true, username });
  }

  /** DjangoPermissionsGuard without DjangoSessionGuard in front: it must check the socket itself. */
  @UseGuards(DjangoPermissionsGuard)
  @StaffOnly()
  @SubscribeMessage('staffByPermissionsGuard')
  staffByPermissionsGuard(@CurrentUser('username') username: string) {
    return this.answer('staffByPermissionsGuard', { ok: true, username });
  }

  /** A "state-changing" message: the handshake's Origin must be trusted, and a user is needed. */
  @UseGuards(DjangoCsrfGuard, DjangoSessionGuard)
  @SubscribeMessage('postNote')
  postNote(@CurrentUser('username') username: string, @MessageBody() body: unknown) {
    return this.answer('postNote', { ok: true, username, body: body ?? null });
  }
}

/** No guard on any handler: DjangoSessionGuard is installed as APP_GUARD, which Nest applies to gateways too. */
@WebSocketGateway()
class GlobalGuardGateway extends RecordingGateway {
  @Public()
  @SubscribeMessage('ping')
  ping(@MessageBody() body: unknown) {
    return this.answer('ping', { pong: true, echo: body ?? null });
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: DjangoUser) {
    return this.answer('whoami', whoamiView(user));
  }

  @StaffOnly()
  @SubscribeMessage('staff')
  staff(@CurrentUser('username') username: string) {
    return this.answer('staff', { ok: true, username });
  }
}

export interface WebSocketAppOptions {
  platform: HttpPlatform;
  sockets: SocketKind;
  secretKey: string;
  /** The bridge's djangoVersion (default: the run's Django line). */
  djangoVersion?: DjangoVersion;
  /** DjangoWebSocketAdapterOptions.revalidateSeconds (the test default 0: only guarded messages re-check). */
  revalidateSeconds?: number;
  /** DjangoWebSocketAdapterOptions.requireAuthentication (default true). */
  requireAuthentication?: boolean;
  /** DjangoSessionGuard as APP_GUARD, with the guard-less GlobalGuardGateway. */
  globalGuard?: boolean;
  /** @WebSocketGateway() options (verifyClient, connectionStateRecovery, ...) for BridgeGateway. */
  gatewayOptions?: Record<string, unknown>;
  /** socket.io: an application middleware the gateway adds in afterInit (after the bridge's). */
  socketIoMiddleware?: (socket: unknown, next: (err?: Error) => void) => void;
  /** false: Nest's adapter alone, without DjangoWebSocketAdapter (a misconfiguration the guards must survive). */
  bridgeAdapter?: boolean;
  /** Nest's logger (default: none). */
  logger?: LoggerService | false;
}

export interface WebSocketTestApp {
  app: INestApplication;
  dataSource: DataSource;
  /** http://127.0.0.1:<port> */
  url: string;
  /** What a browser on this site sends as Origin: the same as `url`. */
  origin: string;
  /** Where clients connect: `url` for socket.io, ws://127.0.0.1:<port>/ for ws. */
  socketUrl: string;
  /** The handlers that ran, in order. */
  calls(): string[];
  close(): Promise<void>;
}

/** Starts the app on 127.0.0.1 and a free port, with its own DataSource on Django's database. */
export async function startWebSocketApp(connection: DjangoConnection, options: WebSocketAppOptions): Promise<WebSocketTestApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();
  let gateway: new () => RecordingGateway = options.globalGuard ? GlobalGuardGateway : BridgeGateway;
  if (options.gatewayOptions || options.socketIoMiddleware) {
    const middleware = options.socketIoMiddleware;
    @WebSocketGateway(options.gatewayOptions ?? {})
    class ConfiguredGateway extends BridgeGateway implements OnGatewayInit {
      afterInit(server: { use(fn: unknown): unknown }) {
        if (middleware) server.use(middleware);
      }
    }
    gateway = ConfiguredGateway;
  }

  @Module({
    imports: [DjangoBridgeModule.forRoot({ secretKey: options.secretKey, djangoVersion: options.djangoVersion ?? BRIDGE_VERSION, dataSource, csrfTrustedOrigins: TRUSTED_ORIGINS })],
    providers: [gateway, ...(options.globalGuard ? [{ provide: APP_GUARD, useExisting: DjangoSessionGuard }] : [])],
  })
  class WebSocketTestModule {}

  let app: INestApplication | undefined;
  let listening: ListeningApp;
  try {
    app = await NestFactory.create(WebSocketTestModule, options.platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: options.logger ?? false });
    const inner = options.sockets === 'socket.io' ? new IoAdapter(app) : new WsAdapter(app);
    app.useWebSocketAdapter(options.bridgeAdapter === false ? inner : new DjangoWebSocketAdapter(app, inner, { revalidateSeconds: options.revalidateSeconds ?? 0, requireAuthentication: options.requireAuthentication ?? true }));
    listening = await listenOnLoopback(app, dataSource);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await dataSource.destroy();
    throw err;
  }
  const instance = listening.app.get(gateway);
  return {
    ...listening,
    origin: listening.url,
    socketUrl: options.sockets === 'socket.io' ? listening.url : `${listening.url.replace(/^http/, 'ws')}/`,
    calls: () => [...instance.calls],
  };
}
