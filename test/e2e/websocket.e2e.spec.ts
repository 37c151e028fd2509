/**
 * WebSocket authentication against a real Django of the run's line (DJANGO_LINE, default 5.2)
 * sharing one SQLite database, the bridge configured for that line, for socket.io
 * (IoAdapter) and ws (WsAdapter) over Express and Fastify, through DjangoWebSocketAdapter: the
 * handshake needs a trusted Origin and (by default) a Django session, guarded messages re-check
 * the session, permission decorators refuse with FORBIDDEN, and a logout, password change or
 * deactivation made in Django refuses the next guarded message and disconnects the socket within
 * `revalidateSeconds`. Refusals carry a code and never a trace or a password hash.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { chromium } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';
import { DjangoSocketService, DjangoWebSocketAdapter } from '@django-bridge/nest';
import { cookieHeader, djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { LINE } from './support/django-line.js';
import { randomEnvSecret } from '../support/random.js';
import { startWebSocketApp, type HttpPlatform, type SocketKind, type WebSocketAppOptions, type WebSocketTestApp } from './support/websocket-test-app.js';

const CELLS: [SocketKind, HttpPlatform][] = [
  ['socket.io', 'express'],
  ['socket.io', 'fastify'],
  ['ws', 'express'],
  ['ws', 'fastify'],
];

/** Longest wait for any single answer, connection or close. */
const WAIT_MS = 4000;
/** The short revalidation interval, and how late past it a disconnect may come. */
const REVALIDATE_SECONDS = 1;
const DISCONNECT_SLACK_MS = 1500;
const CHROMIUM = '/usr/bin/chromium';

// What must never reach a client: stack frames, source paths, driver errors, password hashes.
const LEAK = /\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|node_modules|QueryFailed|SQLITE|TypeORM|DataSource|pbkdf2|argon2|bcrypt|"password"/i;

interface Frame {
  event: string;
  data: any;
}

interface Closed {
  /** ws: the close code; socket.io: undefined. */
  code?: number;
  /** ws: the close reason; socket.io: the disconnect reason. */
  reason: string;
  at: number;
  /** How many frames had arrived when the connection ended. */
  frameCount: number;
}

interface Refused {
  refused: true;
  /** socket.io: connect_error's data.code. */
  code?: string;
  /** ws: the HTTP status of the upgrade response; socket.io: data.status. */
  status?: number;
  /** ws: the response body; socket.io: the error message. */
  message: string;
}

interface Client {
  refused: false;
  kind: SocketKind;
  /** Everything the server sent, in order. */
  frames: Frame[];
  closed: Promise<Closed>;
  isOpen(): boolean;
  send(event: string, data?: unknown): void;
  /** Sends a message and waits for its answer (an event of the same name) or an `exception`. */
  ask(event: string, data?: unknown): Promise<Frame>;
  /** Waits for the server to end the connection. */
  waitClosed(ms?: number): Promise<Closed>;
  close(): Promise<void>;
}

/** Rejects when the promise takes longer than ms: no wait in this suite is unbounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** null: no such header at all. */
function headersOf(cookie: string | null, origin: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (cookie !== null) headers.Cookie = cookie;
  if (origin !== null) headers.Origin = origin;
  return headers;
}

/** A client whose frames arrive through `push` and whose end resolves `closed`. */
function makeClient(kind: SocketKind, sendRaw: (event: string, data: unknown) => void, isOpen: () => boolean, closeRaw: () => void) {
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  let onClosed!: (c: Closed) => void;
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  let ended = false;
  const client: Client = {
    refused: false,
    kind,
    frames,
    closed,
    isOpen: () => !ended && isOpen(),
    send: (event, data) => sendRaw(event, data),
    ask(event, data) {
      const answer = new Promise<Frame>((resolve) => waiters.push({ match: (f) => f.event === event || f.event === 'exception', resolve }));
      sendRaw(event, data);
      return within(
        Promise.race([answer, closed.then((c) => Promise.reject(new Error(`connection closed before "${event}" was answered: ${JSON.stringify(c)}`)))]),
        WAIT_MS,
        `the answer to "${event}"`,
      );
    },
    waitClosed: (ms = WAIT_MS) => within(closed, ms, 'the server to close the connection'),
    async close() {
      if (!ended) closeRaw();
      await within(closed, WAIT_MS, 'the client to close').catch(() => undefined);
    },
  };
  return {
    client,
    push(frame: Frame) {
      frames.push(frame);
      const i = waiters.findIndex((w) => w.match(frame));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(frame);
    },
    end(c: Omit<Closed, 'at' | 'frameCount'>) {
      if (ended) return;
      ended = true;
      onClosed({ ...c, at: Date.now(), frameCount: frames.length });
    },
  };
}

function connectSocketIo(url: string, headers: Record<string, string>): Promise<Client | Refused> {
  const socket: Socket = io(url, { transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true, timeout: WAIT_MS });
  const c = makeClient('socket.io', (event, data) => (data === undefined ? socket.emit(event) : socket.emit(event, data)), () => socket.connected, () => socket.close());
  socket.onAny((event: string, data: unknown) => c.push({ event, data }));
  socket.on('disconnect', (reason) => c.end({ reason: String(reason) }));
  const outcome = new Promise<Client | Refused>((resolve) => {
    socket.once('connect', () => resolve(c.client));
    socket.once('connect_error', (err: Error & { data?: { code?: string; status?: number } }) => {
      socket.close();
      resolve({ refused: true, code: err.data?.code, status: err.data?.status, message: err.message });
    });
  });
  return within(outcome, WAIT_MS, `socket.io handshake to ${url}`).catch((err: unknown) => {
    socket.close();
    throw err;
  });
}

function connectWs(url: string, headers: Record<string, string>): Promise<Client | Refused> {
  const ws = new WebSocket(url, { headers, handshakeTimeout: WAIT_MS });
  const c = makeClient('ws', (event, data) => ws.send(JSON.stringify({ event, data })), () => ws.readyState === WebSocket.OPEN, () => ws.close());
  ws.on('message', (raw) => {
    const text = String(raw);
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      frame = { event: '<unparsable>', data: text };
    }
    c.push(frame);
  });
  ws.on('close', (code, reason) => c.end({ code, reason: String(reason) }));
  // A refused upgrade is reported through 'unexpected-response'; errors after it are the abort.
  ws.on('error', () => undefined);
  const outcome = new Promise<Client | Refused>((resolve, reject) => {
    ws.once('open', () => resolve(c.client));
    ws.once('unexpected-response', (req: { destroy(): void }, res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ refused: true, status: res.statusCode, message: body });
      });
      res.on('error', reject);
    });
    ws.once('close', (code) => reject(new Error(`ws closed during the handshake (${code})`)));
  });
  return within(outcome, WAIT_MS, `ws handshake to ${url}`).catch((err: unknown) => {
    ws.terminate();
    throw err;
  });
}

/** A logger that keeps what the server logs (to show the operator sees what the client does not). */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown) {
    this.lines.push(String(message));
  }
  error(message: unknown, ...rest: unknown[]) {
    this.lines.push([message, ...rest].map(String).join(' '));
  }
  warn(message: unknown) {
    this.lines.push(String(message));
  }
}

describe('DjangoWebSocketAdapter fails closed on what it cannot do', () => {
  const inner = (server: unknown) => ({ create: () => server, bindClientConnect() {}, bindMessageHandlers() {}, close() {} });

  it('refuses a revalidateSeconds that setInterval cannot keep (Node would check every millisecond), and negative or NaN ones', () => {
    for (const bad of [-1, NaN, Infinity, 2_147_484, 1e10]) expect(() => new DjangoWebSocketAdapter({} as never, inner({}) as never, { revalidateSeconds: bad })).toThrow(TypeError);
    for (const good of [0, 0.5, 60, 2_147_483]) expect(() => new DjangoWebSocketAdapter({} as never, inner({}) as never, { revalidateSeconds: good })).not.toThrow();
  });

  it('refuses to start on a server it cannot put its check in front of', () => {
    for (const server of [{}, { on() {} }, new WebSocketServer({ noServer: true })]) {
      expect(() => new DjangoWebSocketAdapter({} as never, inner(server) as never).create(0)).toThrow(/cannot authenticate/);
    }
  });
});

describe(`WebSocket authentication with a real Django ${LINE} on SQLite`, () => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  /** Session cookies Django made, shared by every cell (all apps use the one database). */
  const cookies: Record<'alice' | 'bob' | 'root', string> = { alice: '', bob: '', root: '' };

  beforeAll(() => {
    django = DjangoProject.throwaway('sqlite', { secretKey });
    const [, , , , , alice, bob, root] = django.batch([
      c.migrate(),
      c.createGroup('secret-agents', ['notes.delete_note']),
      c.createUser({ username: 'alice', password: 'alice-pw-ü', isStaff: true, groups: ['secret-agents'], permissions: ['notes.add_note'] }),
      c.createUser({ username: 'bob', password: 'bob-pw' }),
      c.createUser({ username: 'root', password: 'root-pw', isStaff: true, isSuperuser: true }),
      c.login('alice', 'alice-pw-ü'),
      c.login('bob', 'bob-pw'),
      c.login('root', 'root-pw'),
    ]);
    cookies.alice = cookieHeader(alice.cookies);
    cookies.bob = cookieHeader(bob.cookies);
    cookies.root = cookieHeader(root.cookies);
  });

  afterAll(() => {
    django?.dropDatabase();
  });

  describe.each(CELLS)('%s over %s', (sockets, platform) => {
    const cell = `${sockets.replace('.', '')}_${platform}`;
    const apps: WebSocketTestApp[] = [];
    const clients: Client[] = [];
    let main: WebSocketTestApp;

    const start = async (options: Partial<WebSocketAppOptions> = {}) => {
      const app = await startWebSocketApp(django.connection(), { platform, sockets, secretKey, ...options });
      apps.push(app);
      return app;
    };
    /** `origin` defaults to the app's own (a page of the site); null sends no Origin header. */
    /** Closes one app now (bounded: a hanging upgrade must not keep it open). */
    const stop = async (app: WebSocketTestApp) => {
      apps.splice(apps.indexOf(app), 1);
      await within(app.close(), WAIT_MS, 'app.close()');
    };
    const connect = async (app: WebSocketTestApp, cookie: string | null, origin: string | null = app.origin) => {
      const outcome = await (sockets === 'socket.io' ? connectSocketIo : connectWs)(app.socketUrl, headersOf(cookie, origin));
      if (!outcome.refused) clients.push(outcome);
      return outcome;
    };
    /** Connects and insists on success. */
    const connected = async (app: WebSocketTestApp, cookie: string | null, origin?: string) => {
      const outcome = await connect(app, cookie, origin);
      if (outcome.refused) throw new Error(`handshake refused: ${JSON.stringify(outcome)}`);
      return outcome;
    };
    /** The refusal each transport gives: socket.io's connect_error code, ws's HTTP status. */
    const expectRefused = (outcome: Client | Refused, code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE') => {
      const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, SERVICE_UNAVAILABLE: 503 }[code];
      expect(outcome.refused).toBe(true);
      const refused = outcome as Refused;
      if (sockets === 'socket.io') expect(refused).toMatchObject({ code, status });
      else expect(refused.status).toBe(status);
      expect(refused.message).not.toMatch(LEAK);
    };
    /** The `exception` a refused message gets (socket.io event, ws `{event:'exception'}` frame), exactly. */
    const expectException = (frame: Frame, code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE') => {
      expect(frame).toEqual({ event: 'exception', data: { status: 'error', code, message: expect.any(String) } });
      expect(JSON.stringify(frame)).not.toMatch(LEAK);
    };
    const whoami = (username: string, isStaff: boolean) => ({ event: 'whoami', data: { username, isStaff, json: expect.any(String) } });

    beforeAll(async () => {
      main = await start();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      for (const app of apps.splice(0)) await app.close();
    });

    it('refuses a handshake without a session cookie (UNAUTHENTICATED / HTTP 401), and bad cookies alike', async () => {
      expectRefused(await connect(main, null), 'UNAUTHENTICATED');
      for (const cookie of ['', 'sessionid=', 'sessionid=nosuchsessionkeyatallxxxxxxxxxxxx', `sessionid=${'x'.repeat(5000)}`, "sessionid=' OR '1'='1", 'csrftoken=abc']) {
        const outcome = await connect(main, cookie);
        expect([cookie.slice(0, 24), outcome.refused]).toEqual([cookie.slice(0, 24), true]);
        expectRefused(outcome, 'UNAUTHENTICATED');
      }
      expect(main.calls()).toEqual([]);
    });

    it('accepts a Django-made session from the same origin; whoami answers its user, without the password hash', async () => {
      const alice = await connected(main, cookies.alice);
      const bob = await connected(main, cookies.bob);
      const a = await alice.ask('whoami');
      const b = await bob.ask('whoami');
      expect(a).toEqual(whoami('alice', true));
      expect(b).toEqual(whoami('bob', false));
      for (const frame of [a, b]) {
        expect(frame.data.json).not.toMatch(/password|pbkdf2/i);
        expect(JSON.parse(frame.data.json)).toMatchObject({ username: frame.data.username, isActive: true });
      }
      expect(JSON.stringify(alice.frames)).not.toMatch(/password|pbkdf2/i);
      expect(await alice.ask('ping', { n: 1 })).toEqual({ event: 'ping', data: { pong: true, echo: { n: 1 } } });
      // Each socket keeps its own user: asking again on alice's socket still answers alice.
      expect(await alice.ask('whoami')).toEqual(whoami('alice', true));
    });

    it('refuses a cross-site, foreign or missing Origin with FORBIDDEN / HTTP 403, even with a valid cookie', async () => {
      const port = new URL(main.url).port;
      const calls = main.calls().length;
      for (const origin of ['https://evil.example', null, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, 'https://app.example.com.evil.example', 'http://app.example.com']) {
        const outcome = await connect(main, cookies.alice, origin);
        expect([origin, outcome.refused]).toEqual([origin, true]);
        expectRefused(outcome, 'FORBIDDEN');
      }
      expect(main.calls().slice(calls)).toEqual([]);
    });

    it('a missing Origin passes only on a same-origin long-polling request (Sec-Fetch-Site), never on an upgrade', async () => {
      // Over the websocket transport every handshake is an upgrade: a same-origin claim does not replace Origin.
      const upgrade = await (sockets === 'socket.io' ? connectSocketIo : connectWs)(main.socketUrl, { Cookie: cookies.alice, 'Sec-Fetch-Site': 'same-origin' });
      expectRefused(upgrade, 'FORBIDDEN');
      if (sockets !== 'socket.io') return;
      const polling = (fetchSite: string) =>
        new Promise<{ connected: boolean; code?: string }>((resolve) => {
          const socket = io(main.socketUrl, { transports: ['polling'], extraHeaders: { Cookie: cookies.alice, 'Sec-Fetch-Site': fetchSite }, reconnection: false, forceNew: true, timeout: WAIT_MS });
          socket.once('connect', () => (socket.close(), resolve({ connected: true })));
          socket.once('connect_error', (err: Error & { data?: { code?: string } }) => (socket.close(), resolve({ connected: false, code: err.data?.code })));
        });
      expect(await within(polling('same-origin'), WAIT_MS, 'polling handshake')).toEqual({ connected: true });
      for (const site of ['cross-site', 'same-site', 'none']) expect(await within(polling(site), WAIT_MS, 'polling handshake')).toEqual({ connected: false, code: 'FORBIDDEN' });
    });

    it('accepts an origin listed in csrfTrustedOrigins, exact or by wildcard', async () => {
      for (const origin of ['https://app.example.com', 'https://chat.trusted.example', 'https://a.b.trusted.example']) {
        const client = await connected(main, cookies.bob, origin);
        expect(await client.ask('whoami')).toEqual(whoami('bob', false));
        // DjangoCsrfGuard on a socket checks the handshake's Origin: trusted here.
        expect(await client.ask('postNote', 'hi')).toEqual({ event: 'postNote', data: { ok: true, username: 'bob', body: 'hi' } });
      }
    });

    it('permission decorators refuse with FORBIDDEN and never run the handler; users who qualify get the answer', async () => {
      const bob = await connected(main, cookies.bob);
      const alice = await connected(main, cookies.alice);
      const root = await connected(main, cookies.root);
      const before = main.calls().length;
      for (const event of ['agents', 'staff', 'canAddNote']) expectException(await bob.ask(event), 'FORBIDDEN');
      expectException(await root.ask('agents'), 'FORBIDDEN');
      expect(main.calls().slice(before)).toEqual([]);
      for (const event of ['agents', 'staff', 'canAddNote']) expect(await alice.ask(event)).toEqual({ event, data: { ok: true, username: 'alice' } });
      for (const event of ['staff', 'canAddNote']) expect(await root.ask(event)).toEqual({ event, data: { ok: true, username: 'root' } });
      expect(main.calls().slice(before)).toEqual(['agents', 'staff', 'canAddNote', 'staff', 'canAddNote']);
      // A refused socket stays usable.
      expect(await bob.ask('whoami')).toEqual(whoami('bob', false));
      expect(bob.frames.filter((f) => f.event !== 'exception').map((f) => f.event)).toEqual(['whoami']);
    });

    describe('a change made in Django after the socket connected', () => {
      const carol = `carol_${cell}`;
      const dave = `dave_${cell}`;
      beforeAll(() => {
        django.createUser({ username: carol, password: 'carol-pw-1' });
        django.createUser({ username: dave, password: 'dave-pw' });
      });

      it('a password change: the next guarded message is refused (UNAUTHENTICATED) and the session flushed; public messages still answer', async () => {
        const login = django.login(carol, 'carol-pw-1');
        const client = await connected(main, cookieHeader(login.cookies));
        expect(await client.ask('whoami')).toEqual(whoami(carol, false));
        django.setPassword(carol, 'carol-pw-2');
        const calls = main.calls().length;
        expectException(await client.ask('whoami'), 'UNAUTHENTICATED');
        expectException(await client.ask('postNote', 'x'), 'UNAUTHENTICATED');
        expect(main.calls().slice(calls)).toEqual([]);
        expect(await client.ask('ping')).toEqual({ event: 'ping', data: { pong: true, echo: null } });
        // As django.contrib.auth.get_user does, the stale session is flushed.
        expect(django.whoami(login.cookies)).toMatchObject({ authenticated: false, session_exists: false });
        // And the cookie no longer opens a socket.
        expectRefused(await connect(main, cookieHeader(login.cookies)), 'UNAUTHENTICATED');
      });

      it('a deactivation: the next guarded message is refused (UNAUTHENTICATED)', async () => {
        const login = django.login(dave, 'dave-pw');
        const client = await connected(main, cookieHeader(login.cookies));
        expect(await client.ask('whoami')).toEqual(whoami(dave, false));
        django.setActive(dave, false);
        try {
          expectException(await client.ask('whoami'), 'UNAUTHENTICATED');
          expectRefused(await connect(main, cookieHeader(login.cookies)), 'UNAUTHENTICATED');
        } finally {
          django.setActive(dave, true);
        }
        // Reactivated: the same session holds again (Django keeps it; only is_active was checked).
        expect(await client.ask('whoami')).toEqual(whoami(dave, false));
      });

      it('a logout in Django: the next guarded message is refused (UNAUTHENTICATED)', async () => {
        const login = django.login(carol, 'carol-pw-2');
        const client = await connected(main, cookieHeader(login.cookies));
        expect(await client.ask('whoami')).toEqual(whoami(carol, false));
        expect(django.logout(login.cookies).status).toBe(200);
        expectException(await client.ask('whoami'), 'UNAUTHENTICATED');
        expectException(await client.ask('staff'), 'UNAUTHENTICATED');
        expectRefused(await connect(main, cookieHeader(login.cookies)), 'UNAUTHENTICATED');
      });

      it('DjangoPermissionsGuard without DjangoSessionGuard checks the socket again too: a Django logout refuses it', async () => {
        const login = django.login('alice', 'alice-pw-ü');
        const alice = await connected(main, cookieHeader(login.cookies));
        const bob = await connected(main, cookies.bob);
        expect(await alice.ask('staffByPermissionsGuard')).toEqual({ event: 'staffByPermissionsGuard', data: { ok: true, username: 'alice' } });
        expectException(await bob.ask('staffByPermissionsGuard'), 'FORBIDDEN');
        django.logout(login.cookies);
        const calls = main.calls().length;
        expectException(await alice.ask('staffByPermissionsGuard'), 'UNAUTHENTICATED');
        expect(main.calls().slice(calls)).toEqual([]);
      });

      describe(`with revalidateSeconds: ${REVALIDATE_SECONDS}`, () => {
        let timed: WebSocketTestApp;
        beforeAll(async () => {
          timed = await start({ revalidateSeconds: REVALIDATE_SECONDS });
        });

        /** socket.io: an `exception` with the code, then 'disconnect'; ws: close code 4000 + status. */
        const expectDropped = (client: Client, closed: Closed, code: 'UNAUTHENTICATED' | 'SERVICE_UNAVAILABLE') => {
          if (sockets === 'socket.io') {
            // The server says why, then disconnects (not a transport failure).
            const before = client.frames.slice(0, closed.frameCount);
            expect(before.length).toBeGreaterThan(0);
            expectException(before[before.length - 1], code);
            expect(closed.reason).toBe('io server disconnect');
          } else {
            expect(closed.code).toBe(code === 'UNAUTHENTICATED' ? 4401 : 4503);
            expect(closed.reason).not.toMatch(LEAK);
          }
          expect(client.isOpen()).toBe(false);
        };

        it('disconnects within about the interval after a password change, a deactivation or a logout in Django; valid sockets stay', async () => {
          const keep = await connected(timed, cookies.alice);
          const byPassword = await connected(timed, cookieHeader(django.login(carol, 'carol-pw-2').cookies));
          const daveLogin = django.login(dave, 'dave-pw');
          const byDeactivation = await connected(timed, cookieHeader(daveLogin.cookies));
          const bobLogin = django.login('bob', 'bob-pw');
          const byLogout = await connected(timed, cookieHeader(bobLogin.cookies));
          // A full interval passes, so every socket is revalidated at least once while its session holds: nobody is dropped.
          const service = timed.app.get(DjangoSocketService);
          let revalidations = 0;
          const revalidate = service.revalidate.bind(service);
          service.revalidate = (client: object) => (revalidations++, revalidate(client));
          try {
            await sleep(REVALIDATE_SECONDS * 1000 + 300);
          } finally {
            service.revalidate = revalidate;
          }
          expect(revalidations).toBeGreaterThanOrEqual(4);
          for (const c of [keep, byPassword, byDeactivation, byLogout]) expect(c.isOpen()).toBe(true);
          expect(await byPassword.ask('whoami')).toEqual(whoami(carol, false));

          const changes: [Client, () => unknown][] = [
            [byPassword, () => django.setPassword(carol, 'carol-pw-3')],
            [byDeactivation, () => django.setActive(dave, false)],
            [byLogout, () => django.logout(bobLogin.cookies)],
          ];
          try {
            for (const [client, change] of changes) {
              change();
              const changedAt = Date.now();
              const closed = await client.waitClosed(REVALIDATE_SECONDS * 1000 + DISCONNECT_SLACK_MS);
              expect(closed.at - changedAt).toBeLessThanOrEqual(REVALIDATE_SECONDS * 1000 + DISCONNECT_SLACK_MS);
              expectDropped(client, closed, 'UNAUTHENTICATED');
            }
          } finally {
            django.setActive(dave, true);
          }
          expect(keep.isOpen()).toBe(true);
          expect(await keep.ask('whoami')).toEqual(whoami('alice', true));
          for (const [client] of changes) expect(JSON.stringify(client.frames)).not.toMatch(LEAK);
        });
      });
    });

    if (sockets === 'ws') {
      describe("with the gateway's own verifyClient (run after the bridge's check)", () => {
        it.each([
          ['a synchronous one that allows', (_info: unknown) => true, 'open'],
          ['a synchronous one that refuses', (_info: unknown) => false, 401],
          ['an asynchronous one that refuses', (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, 418), 418],
          ['a synchronous one that throws', (_info: unknown) => { throw new Error('verifyClient exploded at /srv/app/gateway.ts:12'); }, 500],
          ['an asynchronous one that throws', (_info: unknown, _done: unknown) => { throw new Error('verifyClient exploded at /srv/app/gateway.ts:12'); }, 500],
        ] as const)('%s: the handshake is answered, never left hanging', async (_name, verify, expected) => {
          let asked = 0;
          const verifyClient = verify.length < 2 ? (info: unknown) => (asked++, (verify as (i: unknown) => boolean)(info)) : (info: unknown, done: unknown) => (asked++, (verify as (i: unknown, d: unknown) => void)(info, done));
          const app = await start({ gatewayOptions: { verifyClient } });
          const outcome = await connect(app, cookies.bob);
          if (expected === 'open') {
            expect(outcome.refused).toBe(false);
            expect(await (outcome as Client).ask('whoami')).toEqual(whoami('bob', false));
          } else {
            expect(outcome).toMatchObject({ refused: true, status: expected });
            expect((outcome as Refused).message).not.toMatch(/exploded|srv|gateway\.ts/);
          }
          // The bridge still refuses first: the application's verifyClient never sees that handshake.
          expectRefused(await connect(app, null), 'UNAUTHENTICATED');
          expectRefused(await connect(app, cookies.bob, 'https://evil.example'), 'FORBIDDEN');
          expect(asked).toBe(1);
          await Promise.all(clients.splice(0).map((c) => c.close()));
          await stop(app);
        });
      });
    }

    if (sockets === 'socket.io') {
      it('a handshake that a later (application) middleware refuses leaves no revalidation running', async () => {
        const app = await start({ revalidateSeconds: REVALIDATE_SECONDS, socketIoMiddleware: (_socket, next) => next(Object.assign(new Error('the application says no'), { data: { code: 'APP_REFUSED' } })) });
        const service = app.app.get(DjangoSocketService);
        let revalidations = 0;
        const revalidate = service.revalidate.bind(service);
        service.revalidate = (client: object) => (revalidations++, revalidate(client));
        for (let i = 0; i < 3; i++) expect(await connect(app, cookies.bob)).toMatchObject({ refused: true, code: 'APP_REFUSED', message: 'the application says no' });
        // The bridge's own refusals still come first.
        expectRefused(await connect(app, null), 'UNAUTHENTICATED');
        // Those sockets never connected, so they never disconnect: nothing may keep checking them.
        await sleep(REVALIDATE_SECONDS * 1000 + 400);
        expect(revalidations).toBe(0);
        await stop(app);
      });

      describe('with connectionStateRecovery', () => {
        it('a restored connection is checked like a new one: restored while the session holds, refused once it is logged out', async () => {
          const app = await start({ gatewayOptions: { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } } });
          const login = django.login('bob', 'bob-pw');
          const socket = io(app.socketUrl, { transports: ['websocket'], extraHeaders: headersOf(cookieHeader(login.cookies), app.origin), forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100, reconnectionAttempts: 5, timeout: WAIT_MS });
          const log: [string, unknown][] = [];
          socket.onAny((event: string, data: unknown) => log.push([event, data]));
          const next = <T>(event: string) => within(new Promise<T>((resolve) => socket.once(event, resolve as never)), WAIT_MS, `socket.io "${event}"`);
          const ask = (event: string) => {
            const answer = within(new Promise<Frame>((resolve) => socket.onAny(function listener(e: string, data: unknown) {
              if (e !== event && e !== 'exception') return;
              socket.offAny(listener);
              resolve({ event: e, data });
            })), WAIT_MS, `the answer to "${event}"`);
            socket.emit(event);
            return answer;
          };
          try {
            await next('connect');
            expect(await ask('whoami')).toEqual(whoami('bob', false));
            // A network cut: the client reconnects and socket.io restores the session.
            (socket.io as unknown as { engine: { close(): void } }).engine.close();
            await next('connect');
            expect(socket.recovered).toBe(true);
            expect(await ask('whoami')).toEqual(whoami('bob', false));
            expect(log.filter(([e]) => e === 'exception')).toEqual([]);
            // Logged out in Django while cut off: the restore is refused at the handshake.
            django.logout(login.cookies);
            (socket.io as unknown as { engine: { close(): void } }).engine.close();
            const refused = await next<Error & { data?: { code?: string } }>('connect_error');
            expect(refused.data?.code).toBe('UNAUTHENTICATED');
          } finally {
            socket.close();
            await stop(app);
          }
        });
      });
    }

    describe('with requireAuthentication: false', () => {
      let open: WebSocketTestApp;
      beforeAll(async () => {
        open = await start({ requireAuthentication: false });
      });

      it('an anonymous socket connects and ping answers; the guarded whoami is refused (UNAUTHENTICATED) and never runs', async () => {
        const anonymous = await connected(open, null);
        expect(await anonymous.ask('ping', 'x')).toEqual({ event: 'ping', data: { pong: true, echo: 'x' } });
        for (const event of ['whoami', 'staff', 'postNote']) expectException(await anonymous.ask(event), 'UNAUTHENTICATED');
        expect(open.calls()).toEqual(['ping']);
        // A bad cookie is anonymous too, and a logged-in socket on the same app is authenticated.
        const forged = await connected(open, 'sessionid=nosuchsessionkeyatallxxxxxxxxxxxx');
        expectException(await forged.ask('whoami'), 'UNAUTHENTICATED');
        const bob = await connected(open, cookies.bob);
        expect(await bob.ask('whoami')).toEqual(whoami('bob', false));
        expectException(await bob.ask('staff'), 'FORBIDDEN');
      });

      it('still refuses a cross-site or missing Origin, cookie or not', async () => {
        for (const cookie of [null, cookies.bob]) {
          for (const origin of ['https://evil.example', null]) expectRefused(await connect(open, cookie, origin), 'FORBIDDEN');
        }
      });
    });

    describe('with DjangoSessionGuard as APP_GUARD', () => {
      let global: WebSocketTestApp;
      beforeAll(async () => {
        global = await start({ globalGuard: true, requireAuthentication: false });
      });

      it('guards every handler of the gateway; @Public() ping still answers anonymous sockets', async () => {
        const anonymous = await connected(global, null);
        expect(await anonymous.ask('ping')).toEqual({ event: 'ping', data: { pong: true, echo: null } });
        expectException(await anonymous.ask('whoami'), 'UNAUTHENTICATED');
        expectException(await anonymous.ask('staff'), 'UNAUTHENTICATED');
        expect(global.calls()).toEqual(['ping']);
        const bob = await connected(global, cookies.bob);
        expect(await bob.ask('whoami')).toEqual(whoami('bob', false));
        expectException(await bob.ask('staff'), 'FORBIDDEN');
        const alice = await connected(global, cookies.alice);
        expect(await alice.ask('staff')).toEqual({ event: 'staff', data: { ok: true, username: 'alice' } });
        expect(global.calls()).toEqual(['ping', 'whoami', 'staff']);
      });

      it('with requireAuthentication (the default), the handshake is refused before any handler', async () => {
        const strict = await start({ globalGuard: true });
        expectRefused(await connect(strict, null), 'UNAUTHENTICATED');
        const alice = await connected(strict, cookies.alice);
        expect(await alice.ask('ping')).toEqual({ event: 'ping', data: { pong: true, echo: null } });
        expect(await alice.ask('whoami')).toEqual(whoami('alice', true));
      });
    });

    it('without DjangoWebSocketAdapter (a misconfiguration), guarded messages still fail closed', async () => {
      const bare = await start({ bridgeAdapter: false });
      // Nothing checks the handshake now, so these connect; the guards must refuse on their own.
      const anonymous = await connected(bare, null);
      const crossSite = await connected(bare, cookies.alice, 'https://evil.example');
      const alice = await connected(bare, cookies.alice);
      expect(await anonymous.ask('ping')).toEqual({ event: 'ping', data: { pong: true, echo: null } });
      if (sockets === 'socket.io') {
        // socket.io keeps the handshake request on the socket: each guarded message checks its cookie and Origin.
        expectException(await anonymous.ask('whoami'), 'UNAUTHENTICATED');
        expectException(await crossSite.ask('whoami'), 'FORBIDDEN');
        expect(await alice.ask('whoami')).toEqual(whoami('alice', true));
      } else {
        // A ws socket keeps no request: the guards cannot authenticate it, so they refuse.
        for (const client of [anonymous, crossSite, alice]) expectException(await client.ask('whoami'), 'FORBIDDEN');
        expectException(await alice.ask('staffByPermissionsGuard'), 'FORBIDDEN');
        expect(bare.calls()).toEqual(['ping']);
      }
      expectException(await crossSite.ask('postNote'), 'FORBIDDEN');
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await stop(bare);
    });

    describe('with the database down', () => {
      it('a guarded message is refused with SERVICE_UNAVAILABLE and no trace; public messages answer; handshakes are refused', async () => {
        const logger = new CapturingLogger();
        const down = await start({ logger });
        const alice = await connected(down, cookies.alice);
        expect(await alice.ask('whoami')).toEqual(whoami('alice', true));
        await down.dataSource.destroy();
        const refused = await alice.ask('whoami');
        expectException(refused, 'SERVICE_UNAVAILABLE');
        expectException(await alice.ask('canAddNote'), 'SERVICE_UNAVAILABLE');
        expect(await alice.ask('ping')).toEqual({ event: 'ping', data: { pong: true, echo: null } });
        expectRefused(await connect(down, cookies.alice), 'SERVICE_UNAVAILABLE');
        // No cookie: nothing to look up, so it is a plain UNAUTHENTICATED.
        expectRefused(await connect(down, null), 'UNAUTHENTICATED');
        expect(JSON.stringify(alice.frames)).not.toMatch(LEAK);
        // The operator is told why; the client is not.
        expect(logger.lines.join('\n')).toMatch(/Django database query failed/);
      });

      it(`with revalidateSeconds: ${REVALIDATE_SECONDS}, connected sockets are dropped (SERVICE_UNAVAILABLE / 4503)`, async () => {
        const down = await start({ revalidateSeconds: REVALIDATE_SECONDS });
        const bob = await connected(down, cookies.bob);
        expect(await bob.ask('whoami')).toEqual(whoami('bob', false));
        await down.dataSource.destroy();
        const closed = await bob.waitClosed(REVALIDATE_SECONDS * 1000 + DISCONNECT_SLACK_MS);
        if (sockets === 'socket.io') {
          expectException(bob.frames[closed.frameCount - 1], 'SERVICE_UNAVAILABLE');
          expect(closed.reason).toBe('io server disconnect');
        } else {
          expect(closed).toMatchObject({ code: 4503 });
        }
        expect(JSON.stringify(bob.frames) + closed.reason).not.toMatch(LEAK);
      });
    });
  });

  describe('in Chromium', () => {
    it("a page of the site connects with the browser's own Origin and cookie; a page of another origin is refused", async () => {
      expect(existsSync(CHROMIUM)).toBe(true); // Debian's chromium, as the sample's browser tests use
      const ioApp = await startWebSocketApp(django.connection(), { platform: 'express', sockets: 'socket.io', secretKey });
      const wsApp = await startWebSocketApp(django.connection(), { platform: 'fastify', sockets: 'ws', secretKey });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      try {
        const context = await browser.newContext();
        // Cookies are per host, not per port: both apps get alice's Django session cookie.
        const sessionid = /sessionid=([^;]+)/.exec(cookies.alice)![1];
        await context.addCookies([{ name: 'sessionid', value: sessionid, url: ioApp.url, httpOnly: true, sameSite: 'Lax' }]);
        const page = await context.newPage();
        page.setDefaultTimeout(WAIT_MS);
        await page.goto(`${ioApp.url}/`);
        await page.addScriptTag({ url: '/socket.io/socket.io.js' });
        const viaSocketIo = await page.evaluate((ms) => new Promise((resolve) => {
          const socket = (globalThis as any).io({ transports: ['websocket'], reconnection: false });
          setTimeout(() => resolve('timeout'), ms);
          socket.on('connect_error', (err: any) => resolve({ connect_error: err.data }));
          socket.on('whoami', (data: any) => { resolve({ username: data.username }); socket.close(); });
          socket.on('connect', () => socket.emit('whoami'));
        }), WAIT_MS);
        expect(viaSocketIo).toEqual({ username: 'alice' });
        // socket.io's long-polling requests are same-origin GETs and POSTs the browser sends without
        // Origin but with Sec-Fetch-Site: same-origin: polling alone, and the default (polling, then
        // the upgrade, which carries Origin).
        const viaTransports = (transports: string[] | undefined) =>
          page.evaluate(([list, ms]) => new Promise((resolve) => {
            const socket = (globalThis as any).io({ reconnection: false, ...(list ? { transports: list } : {}) });
            setTimeout(() => resolve('timeout'), ms as number);
            socket.on('connect_error', (err: any) => resolve({ connect_error: err.data }));
            socket.on('whoami', (data: any) => { resolve({ username: data.username }); socket.close(); });
            socket.on('connect', () => socket.emit('whoami'));
          }), [transports, WAIT_MS] as const);
        expect(await viaTransports(['polling'])).toEqual({ username: 'alice' });
        expect(await viaTransports(undefined)).toEqual({ username: 'alice' });

        const nativeSocket = (target: string) => page.evaluate(([url, ms]) => new Promise((resolve) => {
          // The browser's WebSocket (not the ws package's): this function runs in the page.
          const ws = new (globalThis as any).WebSocket(url as string);
          setTimeout(() => resolve('timeout'), ms as number);
          ws.onopen = () => ws.send(JSON.stringify({ event: 'whoami' }));
          ws.onmessage = (m: { data: string }) => { resolve(JSON.parse(m.data).data.username); ws.close(); };
          ws.onclose = (e: { code: number }) => resolve({ closed: e.code });
        }), [target, WAIT_MS] as const);
        // From ioApp's page, wsApp is another origin (another port) though the cookie goes along: refused.
        expect(await nativeSocket(wsApp.socketUrl)).toEqual({ closed: 1006 });
        await page.goto(`${wsApp.url}/`);
        expect(await nativeSocket(wsApp.socketUrl)).toBe('alice');
      } finally {
        await browser.close();
        await ioApp.close();
        await wsApp.close();
      }
    });
  });
});
