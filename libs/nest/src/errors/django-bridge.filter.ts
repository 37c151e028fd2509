import { Catch, Logger, Optional, type ArgumentsHost, type ExceptionFilter, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { transportRequest } from '../context/execution-transport.js';
import { DjangoCsrfService } from '../csrf/django-csrf.service.js';
import { DjangoSessionService } from '../session/django-session.service.js';
import { BRIDGE_ERROR_TYPES, bridgeFailure, DjangoGraphQLError, reportBridgeFailure, webSocketErrorPayload, type BridgeFailure } from './bridge-failure.js';

const logger = new Logger('DjangoBridge');

/**
 * Answers the bridge's errors on every transport from the one mapping in bridgeFailure: HTTP gets
 * Nest's usual JSON error body with the status, GraphQL an error with `extensions.code`
 * (UNAUTHENTICATED, FORBIDDEN, ...), WebSocket an `exception` event with the code. Installed
 * globally by DjangoBridgeModule for HTTP and GraphQL; Nest applies no global filter to gateways,
 * so add `@UseFilters(DjangoBridgeExceptionFilter)` there (the bridge's guards already answer
 * WebSocket messages in this shape without it). Other errors are not caught. On HTTP and GraphQL a
 * 401 or 403 first commits the session, as Django's middleware would (see commit).
 */
@Catch(...BRIDGE_ERROR_TYPES)
export class DjangoBridgeExceptionFilter implements ExceptionFilter {
  constructor(
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() private readonly sessions?: DjangoSessionService,
    @Optional() private readonly csrf?: DjangoCsrfService,
  ) {}

  catch(err: unknown, host: ArgumentsHost): unknown {
    const failure = bridgeFailure(err);
    if (!failure) throw err;
    reportBridgeFailure(err);
    const type = host.getType<string>();
    if (type === 'graphql') return this.commit(host, failure).then(() => new DjangoGraphQLError(failure));
    if (type === 'ws') {
      const client = host.switchToWs().getClient<{ send?: (data: string) => void; emit?: (event: string, data: unknown) => void; readyState?: unknown }>();
      const payload = webSocketErrorPayload(failure);
      // A ws WebSocket has a numeric readyState and send(); a socket.io Socket has emit().
      if (typeof client.readyState === 'number' && typeof client.send === 'function') client.send(JSON.stringify({ event: 'exception', data: payload }));
      else client.emit?.('exception', payload);
      return undefined;
    }
    const adapter = this.adapterHost?.httpAdapter;
    const response = host.switchToHttp().getResponse<object>();
    if (!adapter || type !== 'http') throw err;
    return this.commit(host, failure).then(() => {
      if (adapter.isHeadersSent?.(response)) return undefined;
      if (failure.retryAfter !== undefined) adapter.setHeader(response, 'Retry-After', String(failure.retryAfter));
      if (failure.challenge) adapter.setHeader(response, 'WWW-Authenticate', failure.challenge);
      adapter.reply(response, { ...failure.drfBody, statusCode: failure.status, message: failure.message, error: failure.error }, failure.status);
      return undefined;
    });
  }

  /**
   * SessionMiddleware.process_response runs after a refusal too. A guard that refused after it
   * touched the session ran before DjangoSessionInterceptor, which then never commits: get_user()
   * flushed a session whose password changed (Django deletes the cookie), or re-keyed one signed
   * with a fallback key (Django sends the new cookie; without it the old row is gone and the user
   * is logged out by a mere 403). So 401 and 403 answers commit here; never a 503 (the database
   * is down) nor a 400 (an interrupted session). A second commit after a handler's own 401/403,
   * which the interceptor committed already, changes nothing.
   */
  private async commit(host: ArgumentsHost, failure: BridgeFailure): Promise<void> {
    if (!this.sessions || !this.csrf || (failure.status !== 401 && failure.status !== 403)) return;
    let target;
    try {
      target = transportRequest(host as ExecutionContext, 'DjangoBridgeExceptionFilter');
    } catch {
      return; // No request the bridge understands (the refusal itself may say so): no session to keep.
    }
    const { request, response } = target;
    try {
      await this.csrf.commit(request, response);
      await this.sessions.commit(request, response, failure.status);
    } catch (err) {
      logger.error(`Session not saved after a ${failure.status}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}
