import { Injectable, Logger } from '@nestjs/common';
import { requestHeader } from '../http/http-adapter.js';
import { parseBasicAuthorization } from './basic-authorization.js';
import type { DjangoUser } from '../users/django-user.js';
import type { AccessRule } from './access-rule.js';
import { DjangoAuthService } from './django-auth.service.js';

/** How a forward-auth request may prove who it is. */
export interface ForwardAuthMethods {
  /** The Django session cookie; default true. */
  session?: boolean;
  /** HTTP Basic credentials of a Django user; default true. */
  basic?: boolean;
}

export type ForwardAuthDecision =
  | { outcome: 'allowed'; user: DjangoUser; groups: string[] }
  | { outcome: 'forbidden'; user: DjangoUser }
  | { outcome: 'unauthenticated' };

/**
 * The decision behind a forward-auth endpoint (nginx auth_request, Traefik ForwardAuth, Caddy
 * forward_auth): the modern form of Django's Apache auth handler. A request proves who it is with
 * HTTP Basic (if it sends an Authorization header, that alone decides) or the session cookie;
 * the user must be active, then meet the location's rule. Override the protected steps to change
 * any decision.
 */
@Injectable()
export class DjangoForwardAuthService {
  protected readonly logger = new Logger('DjangoForwardAuth');

  constructor(protected readonly auth: DjangoAuthService) {}

  async decide(req: object, rule: AccessRule, methods: ForwardAuthMethods = {}): Promise<ForwardAuthDecision> {
    const user = await this.identify(req, methods);
    if (!user) return { outcome: 'unauthenticated' };
    const groups = await this.auth.groupNames(user);
    return (await this.isAllowed(user, groups, rule)) ? { outcome: 'allowed', user, groups } : { outcome: 'forbidden', user };
  }

  /** Basic credentials when the request has an Authorization header, else the session. */
  protected async identify(req: object, methods: ForwardAuthMethods): Promise<DjangoUser | null> {
    const header = requestHeader(req, 'authorization');
    if (header !== undefined && methods.basic !== false) {
      const credentials = parseBasicAuthorization(header);
      if (!credentials) return null;
      // mod_wsgi's check_password: unknown and inactive users fail after one burnt hash.
      return this.auth.authenticate(credentials.username, credentials.password);
    }
    if (methods.session === false) return null;
    return this.auth.userFromRequest(req);
  }

  /** The rule on an authenticated, active user; groups are any-of, permissions all-of. */
  protected async isAllowed(user: DjangoUser, groups: string[], rule: AccessRule): Promise<boolean> {
    if (!user.isActive) return false;
    if (rule.staff && !user.isStaff) return false;
    if (rule.superuser && !user.isSuperuser) return false;
    if (rule.groups?.length && !rule.groups.some((g) => groups.includes(g))) return false;
    if (rule.permissions?.length && !(await this.auth.hasPerms(user, rule.permissions))) return false;
    return true;
  }

  /**
   * Response headers naming the user for the proxy (`X-Remote-User`, `X-Remote-Groups`). Values are
   * percent-encoded outside a safe ASCII set, so a name can never break or forge a header, and
   * groups are comma-separated (a comma inside a name is encoded).
   */
  remoteUserHeaders(decision: Extract<ForwardAuthDecision, { outcome: 'allowed' }>): Record<string, string> {
    return {
      'X-Remote-User': encodeHeaderValue(decision.user.username),
      'X-Remote-Groups': decision.groups.map(encodeHeaderValue).join(','),
    };
  }
}

/** RFC 3986 unreserved characters plus `@` and `+` stay as they are; everything else is %XX (UTF-8). */
export function encodeHeaderValue(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => (/[A-Za-z0-9._~@+-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}
