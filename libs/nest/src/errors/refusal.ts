import type { ExecutionContext } from '@nestjs/common';
import { bridgeFailure, reportBridgeFailure, webSocketErrorPayload } from './bridge-failure.js';

type WsExceptionClass = new (error: object) => Error;
let wsException: Promise<WsExceptionClass> | undefined;

/**
 * What a guard throws when it refuses. HTTP and GraphQL errors go on to DjangoBridgeExceptionFilter;
 * Nest applies no global filter to gateways, so on a WebSocket the failure becomes a WsException
 * carrying the same code, which Nest's own gateway handler sends as an `exception` event (any other
 * error there would only say "Internal server error"). @nestjs/websockets is loaded only then: a
 * ws context exists only when it is installed.
 */
export async function refusal(context: ExecutionContext, err: unknown): Promise<unknown> {
  if (context.getType<string>() !== 'ws') return err;
  const failure = bridgeFailure(err);
  if (!failure) return err;
  reportBridgeFailure(err);
  wsException ??= import('@nestjs/websockets').then((m) => m.WsException as unknown as WsExceptionClass);
  const WsException = await wsException;
  return new WsException(webSocketErrorPayload(failure));
}
