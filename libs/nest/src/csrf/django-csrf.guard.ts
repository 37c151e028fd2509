import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CsrfCheckResult } from '@django-bridge/core';
import { transportRequest, type TransportRequest } from '../context/execution-transport.js';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { DjangoCsrfFailure } from '../errors/bridge-exceptions.js';
import { refusal } from '../errors/refusal.js';
import { DjangoCsrfService } from './django-csrf.service.js';

export const CSRF_EXEMPT_KEY = 'django-bridge:csrf-exempt';
/** Django's `@csrf_exempt`. */
export const CsrfExempt = () => SetMetadata(CSRF_EXEMPT_KEY, true);

/** The reason a GraphQL mutation sent with GET gets (GET must never change state). */
export const REASON_MUTATION_OVER_GET = 'GraphQL mutations must be sent with POST.';

/**
 * Django's CsrfViewMiddleware as a guard. HTTP: unsafe methods need a token (X-CSRFToken header or
 * csrfmiddlewaretoken field) matching the csrftoken cookie, and a trusted Origin/Referer; safe
 * methods pass. GraphQL: mutations are checked the same way and refused over GET; queries pass.
 * WebSocket: the handshake's Origin must be trusted. 403 with Django's reason otherwise; any other
 * context is refused. @CsrfExempt() routes pass, and so do requests DjangoAuthGuard authenticated
 * with a header credential (DRF token, JWT), as DRF exempts them.
 */
@Injectable()
export class DjangoCsrfGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly csrf: DjangoCsrfService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(CSRF_EXEMPT_KEY, [context.getHandler(), context.getClass()])) return true;
    try {
      const result = await this.check(this.getRequest(context));
      if (!result.ok) return this.onRejected(result.reason);
      return true;
    } catch (err) {
      throw await refusal(context, err);
    }
  }

  /** The request to check, with its transport (and, for GraphQL, the operation type). */
  protected getRequest(context: ExecutionContext): TransportRequest {
    return transportRequest(context, this.constructor.name);
  }

  protected async check(target: TransportRequest): Promise<CsrfCheckResult> {
    if (target.transport === 'ws') return this.csrf.checkOrigin(target.request);
    if (this.provenWithoutCookies(target.request)) return { ok: true };
    if (target.transport === 'graphql' && target.operation !== 'mutation' && target.operation !== undefined) return { ok: true };
    if (target.transport === 'graphql' && ((target.request as { method?: string }).method ?? 'GET').toUpperCase() === 'GET') return { ok: false, reason: REASON_MUTATION_OVER_GET };
    return this.csrf.check(target.request);
  }

  /**
   * DRF checks CSRF inside SessionAuthentication only: a request whose user an earlier guard
   * (DjangoAuthGuard) proved with a DRF token or a JWT carries an Authorization header, which no
   * cross-site form or script can add, so it needs no CSRF token. Put DjangoAuthGuard first.
   */
  protected provenWithoutCookies(request: object): boolean {
    return DjangoRequestContext.peek(request)?.credential?.csrfExempt === true;
  }

  protected onRejected(reason: string): never {
    throw new DjangoCsrfFailure(reason);
  }
}
