import { ForbiddenException, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { toHttpError } from '../session/django-session.interceptor.js';
import { DjangoCsrfService } from './django-csrf.service.js';

export const CSRF_EXEMPT_KEY = 'django-bridge:csrf-exempt';
/** Django's `@csrf_exempt`. */
export const CsrfExempt = () => SetMetadata(CSRF_EXEMPT_KEY, true);

/**
 * Django's CsrfViewMiddleware as a guard: unsafe methods need a token (X-CSRFToken header or
 * csrfmiddlewaretoken field) matching the csrftoken cookie, and on HTTPS a trusted Origin/Referer.
 * 403 with Django's reason otherwise. Safe methods and @CsrfExempt routes pass.
 */
@Injectable()
export class DjangoCsrfGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly csrf: DjangoCsrfService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(CSRF_EXEMPT_KEY, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<object>();
    let result;
    try {
      result = await this.csrf.check(req);
    } catch (err) {
      throw toHttpError(err);
    }
    if (!result.ok) return this.onRejected(result.reason);
    return true;
  }

  protected onRejected(reason: string): never {
    throw new ForbiddenException(`CSRF verification failed. ${reason}`);
  }
}
