/**
 * Fail closed on every context type: the guards and decorators authenticate HTTP, GraphQL and
 * WebSocket contexts and refuse anything else with an error that names the type and the hook.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { ExecutionContext } from '@nestjs/common';
import { DjangoPermissionsGuard } from '../auth/django-permissions.guard.js';
import { DjangoSessionGuard } from '../auth/django-session.guard.js';
import type { DjangoAuthService } from '../auth/django-auth.service.js';
import { DjangoCsrfGuard, REASON_MUTATION_OVER_GET } from '../csrf/django-csrf.guard.js';
import type { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { currentUser } from '../decorators/auth.decorators.js';
import { DjangoCsrfFailure, DjangoNotAuthenticated, DjangoUnsupportedContext } from '../errors/bridge-exceptions.js';
import { DjangoUser } from '../users/django-user.js';
import type { DjangoSocketService } from '../websocket/django-socket.service.js';
import { SocketStates } from '../websocket/socket-state.js';
import { DjangoRequestContext } from './django-request-context.js';
import { transportRequest } from './execution-transport.js';

class Handlers {
  route() {}
}

function context(type: string, args: unknown[]): ExecutionContext {
  const host = new ExecutionContextHost(args, Handlers, Handlers.prototype.route);
  host.setType(type);
  return host;
}

const alice = new DjangoUser({ id: 1, username: 'alice', isActive: true, isStaff: false, isSuperuser: false, lastLogin: null }, { password: 'pbkdf2_sha256$1$salt$hash' });
const request = (headers: Record<string, string> = {}, method = 'POST') => ({ headers, method });

function guards(user: DjangoUser | null = alice) {
  const auth = { userFromRequest: jest.fn(async () => user), hasPerms: async () => true, groupNames: async () => [] } as unknown as DjangoAuthService;
  const sockets = { revalidate: jest.fn(async () => user) } as unknown as DjangoSocketService;
  const csrf = { check: jest.fn(async () => ({ ok: true })), checkOrigin: jest.fn(() => ({ ok: true })) } as unknown as DjangoCsrfService;
  const reflector = new Reflector();
  const permissions = new DjangoPermissionsGuard(reflector, auth, sockets);
  return { auth, sockets, csrf, session: new DjangoSessionGuard(reflector, auth, permissions, sockets), permissions, csrfGuard: new DjangoCsrfGuard(reflector, csrf) };
}

describe('transportRequest', () => {
  it('finds the request of HTTP, GraphQL (Apollo and Mercurius) and WebSocket contexts', () => {
    const req = request();
    const res = {};
    expect(transportRequest(context('http', [req, res]), 'T')).toEqual({ transport: 'http', request: req, response: res });
    const apollo = transportRequest(context('graphql', [{}, {}, { req, res }, { operation: { operation: 'mutation' } }]), 'T');
    expect(apollo).toEqual({ transport: 'graphql', request: req, response: res, operation: 'mutation' });
    const reply = { request: req };
    expect(transportRequest(context('graphql', [{}, {}, { reply }, {}]), 'T')).toMatchObject({ request: req, response: reply });
    const client = { request: request({ cookie: 'sessionid=x' }) };
    expect(transportRequest(context('ws', [client, {}]), 'T')).toEqual({ transport: 'ws', request: client.request, client });
  });

  it.each(['rpc', 'kafka', 'telegram'])('refuses a "%s" context, naming it and the hook to override', (type) => {
    expect(() => transportRequest(context(type, [{}, {}]), 'DjangoSessionGuard')).toThrow(DjangoUnsupportedContext);
    expect(() => transportRequest(context(type, [{}, {}]), 'DjangoSessionGuard')).toThrow(new RegExp(`"${type}".*override getRequest\\(context\\)`));
  });

  it('refuses a GraphQL context without the HTTP request, and a ws client whose handshake is unknown', () => {
    expect(() => transportRequest(context('graphql', [{}, {}, { connectionParams: {} }, {}]), 'T')).toThrow(DjangoUnsupportedContext);
    expect(() => transportRequest(context('ws', [{ send() {} }, {}]), 'T')).toThrow(/DjangoWebSocketAdapter/);
  });
});

describe.each(['rpc', 'kafka'])('on a "%s" context', (type) => {
  const ctx = () => context(type, [request({ cookie: 'sessionid=abc' }), {}]);

  it('DjangoSessionGuard, DjangoPermissionsGuard and DjangoCsrfGuard refuse, and look up nobody', async () => {
    const g = guards();
    await expect(g.session.canActivate(ctx())).rejects.toThrow(DjangoUnsupportedContext);
    await expect(g.permissions.canActivate(ctx())).rejects.toThrow(DjangoUnsupportedContext);
    await expect(g.csrfGuard.canActivate(ctx())).rejects.toThrow(DjangoUnsupportedContext);
    expect(g.auth.userFromRequest).not.toHaveBeenCalled();
  });

  it('@CurrentUser() refuses instead of answering null', () => {
    expect(() => currentUser(ctx())).toThrow(DjangoUnsupportedContext);
  });

  it('a subclass that overrides getRequest supports the transport', async () => {
    const g = guards();
    class RpcSessionGuard extends DjangoSessionGuard {
      protected override getRequest(c: ExecutionContext): object {
        return c.switchToRpc().getContext();
      }
    }
    const guard = new RpcSessionGuard(new Reflector(), g.auth, g.permissions, g.sockets);
    const req = request({ cookie: 'sessionid=abc' });
    await expect(guard.canActivate(context(type, [{}, req]))).resolves.toBe(true);
    expect(g.auth.userFromRequest).toHaveBeenCalledWith(req);
  });
});

describe('guards on the transports they know', () => {
  it('HTTP and GraphQL: no user is UNAUTHENTICATED, a user passes and becomes request.user', async () => {
    const anonymous = guards(null);
    await expect(anonymous.session.canActivate(context('http', [request(), {}]))).rejects.toThrow(DjangoNotAuthenticated);
    await expect(anonymous.session.canActivate(context('graphql', [{}, {}, { req: request() }, {}]))).rejects.toThrow(DjangoNotAuthenticated);
    const g = guards();
    const req = request();
    await expect(g.session.canActivate(context('graphql', [{}, {}, { req }, {}]))).resolves.toBe(true);
    expect((req as { user?: unknown }).user).toBe(alice);
  });

  it('WebSocket: every guarded message checks the socket again; refusals are WsExceptions with the code', async () => {
    const client = { request: request() };
    const g = guards(null);
    const refused = await g.session.canActivate(context('ws', [client, {}])).catch((e: unknown) => e);
    expect((refused as { getError(): unknown }).getError()).toEqual({ status: 'error', code: 'UNAUTHENTICATED', message: expect.any(String) });
    const ok = guards();
    await ok.session.canActivate(context('ws', [client, {}]));
    await ok.session.canActivate(context('ws', [client, {}]));
    expect(ok.sockets.revalidate).toHaveBeenCalledTimes(2);
    expect(ok.auth.userFromRequest).not.toHaveBeenCalled();
  });

  it('DjangoPermissionsGuard on a socket checks it again, then authorizes the user that check found', async () => {
    const client = { request: request() };
    const g = guards();
    SocketStates.set(client, { handshake: client.request, user: null });
    // The stub's revalidate answers but records nothing: the guard reads what the check recorded.
    const denied = await g.permissions.canActivate(context('ws', [client, {}])).catch((e: unknown) => e);
    expect((denied as { getError(): { code: string } }).getError().code).toBe('UNAUTHENTICATED');
    expect(g.sockets.revalidate).toHaveBeenCalledTimes(1);
    SocketStates.set(client, { handshake: client.request, user: alice });
    await expect(g.permissions.canActivate(context('ws', [client, {}]))).resolves.toBe(true);
    expect(g.sockets.revalidate).toHaveBeenCalledTimes(2);
    expect(currentUser(context('ws', [client, {}]))).toBe(alice);
  });

  it('CSRF: GraphQL queries pass, mutations are checked and refused over GET; sockets check the Origin', async () => {
    const g = guards();
    await expect(g.csrfGuard.canActivate(context('graphql', [{}, {}, { req: request({}, 'POST') }, { operation: { operation: 'query' } }]))).resolves.toBe(true);
    expect(g.csrf.check).not.toHaveBeenCalled();
    await expect(g.csrfGuard.canActivate(context('graphql', [{}, {}, { req: request({}, 'POST') }, { operation: { operation: 'mutation' } }]))).resolves.toBe(true);
    expect(g.csrf.check).toHaveBeenCalledTimes(1);
    await expect(g.csrfGuard.canActivate(context('graphql', [{}, {}, { req: request({}, 'GET') }, { operation: { operation: 'mutation' } }]))).rejects.toThrow(new DjangoCsrfFailure(REASON_MUTATION_OVER_GET));
    // Without operation info the resolver is treated as a mutation.
    await g.csrfGuard.canActivate(context('graphql', [{}, {}, { req: request({}, 'POST') }, undefined]));
    expect(g.csrf.check).toHaveBeenCalledTimes(2);
    await g.csrfGuard.canActivate(context('ws', [{ request: request() }, {}]));
    expect(g.csrf.checkOrigin).toHaveBeenCalledTimes(1);
  });
});

describe('DjangoRequestContext', () => {
  it('is shared by a Fastify request and its raw IncomingMessage, and parses cookies once', () => {
    const raw = request({ cookie: 'a=1; sessionid=xyz' });
    const fastifyRequest = { raw, headers: raw.headers };
    const ctx = DjangoRequestContext.of(raw);
    expect(DjangoRequestContext.of(fastifyRequest)).toBe(ctx);
    expect(ctx.cookies).toBe(ctx.cookies);
    expect(ctx.cookies.sessionid).toBe('xyz');
  });
});
