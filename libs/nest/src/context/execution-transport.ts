import type { ExecutionContext } from '@nestjs/common';
import { DjangoUnsupportedContext } from '../errors/bridge-exceptions.js';
import { SocketStates } from '../websocket/socket-state.js';
import type { BridgeTransport, HeaderCarrier } from './django-request-context.js';

/** The request behind an execution context, as the bridge authenticates it. */
export interface TransportRequest {
  transport: BridgeTransport;
  /** HTTP and GraphQL: the HTTP request; WebSocket: the handshake request. */
  request: HeaderCarrier & object;
  /** Where cookies are written (HTTP and GraphQL), when the transport exposes it. */
  response?: object;
  /** WebSocket: the connected client (socket.io Socket or ws WebSocket). */
  client?: object;
  /** GraphQL: the operation type ('query', 'mutation', 'subscription'). */
  operation?: string;
}

interface GraphQLContextValue {
  req?: object;
  request?: object;
  res?: object;
  reply?: { request?: object };
}

function hasHeaders(value: unknown): value is HeaderCarrier & object {
  return !!value && typeof value === 'object' && typeof (value as HeaderCarrier).headers === 'object' && (value as HeaderCarrier).headers !== null;
}

/**
 * Finds the request of an HTTP, GraphQL or WebSocket execution context without importing the
 * GraphQL or WebSocket packages. Anything else is refused with DjangoUnsupportedContext, which
 * names the type and the hook to override: nothing is ever allowed because its type is unknown.
 */
export function transportRequest(context: ExecutionContext, component: string): TransportRequest {
  const type = context.getType<string>();
  if (type === 'http') {
    const http = context.switchToHttp();
    const request = http.getRequest<unknown>();
    if (!hasHeaders(request)) throw new DjangoUnsupportedContext('http (a request without headers)', component);
    return { transport: 'http', request, response: http.getResponse<object>() };
  }
  if (type === 'graphql') {
    // Resolver arguments are (root, args, context, info); the drivers put the HTTP request in the
    // context: Apollo as `req` (and Express's req.res), Mercurius as `req` plus `reply`.
    const value = (context.getArgByIndex(2) ?? {}) as GraphQLContextValue;
    const request = value.req ?? value.request ?? value.reply?.request;
    if (!hasHeaders(request)) throw new DjangoUnsupportedContext('graphql (a GraphQL context without the HTTP request in `req`)', component);
    const response = value.res ?? value.reply ?? (request as { res?: object }).res;
    const info = context.getArgByIndex(3) as { operation?: { operation?: string } } | undefined;
    return { transport: 'graphql', request, response, operation: info?.operation?.operation };
  }
  if (type === 'ws') {
    const client = context.switchToWs().getClient<object>();
    const request = client && typeof client === 'object' ? SocketStates.handshake(client) : undefined;
    if (!request) throw new DjangoUnsupportedContext('ws (a socket whose handshake was not recorded: use DjangoWebSocketAdapter)', component);
    return { transport: 'ws', request, client };
  }
  throw new DjangoUnsupportedContext(type, component);
}
