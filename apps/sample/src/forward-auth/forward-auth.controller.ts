import { All, BadRequestException, Controller, HttpCode, HttpException, HttpStatus, Query, Req, Res } from '@nestjs/common';
import { DjangoForwardAuthService, InvalidAccessRule, parseAccessRule, type AccessRule } from '@django-bridge/nest';
import { setHeader } from '../http-response.js';

/** WWW-Authenticate for a realm; realms are restricted to plain text so the header cannot be forged. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}

function realmOf(query: Record<string, unknown>): string {
  const realm = query.realm ?? 'Django';
  if (typeof realm !== 'string' || !/^[\w .-]{1,64}$/.test(realm)) throw new BadRequestException('query parameter "realm" must be 1 to 64 letters, digits, spaces, dots or dashes');
  return realm;
}

/**
 * `GET /auth/check`: the forward-auth endpoint for nginx auth_request, Traefik ForwardAuth and
 * Caddy forward_auth. Each protected location states its rule in the query string, as Apache's
 * per-<Location> options did: `?staff=1`, `?superuser=1`, `?permission=app.codename`,
 * `?group=name` (and `realm=` for the Basic prompt). 200 with X-Remote-User / X-Remote-Groups,
 * 401 with a Basic challenge, 403 for users the rule refuses.
 */
@Controller('auth')
export class ForwardAuthController {
  constructor(private readonly forwardAuth: DjangoForwardAuthService) {}

  // Proxies send the subrequest as GET or HEAD (nginx mirrors the original method): accept any.
  @All('check')
  @HttpCode(200)
  async check(@Req() req: object, @Res({ passthrough: true }) res: object, @Query() query: Record<string, unknown>): Promise<{ username: string; groups: string[] }> {
    let rule: AccessRule;
    const realm = realmOf(query);
    try {
      rule = parseAccessRule(query, ['realm']);
    } catch (err) {
      if (err instanceof InvalidAccessRule) throw new BadRequestException(err.message);
      throw err;
    }
    setHeader(res, 'Cache-Control', 'no-store');
    const decision = await this.forwardAuth.decide(req, rule);
    if (decision.outcome === 'unauthenticated') {
      setHeader(res, 'WWW-Authenticate', basicChallenge(realm));
      throw new HttpException('Authentication required.', HttpStatus.UNAUTHORIZED);
    }
    if (decision.outcome === 'forbidden') throw new HttpException('Not allowed here.', HttpStatus.FORBIDDEN);
    for (const [name, value] of Object.entries(this.forwardAuth.remoteUserHeaders(decision))) setHeader(res, name, value);
    return { username: decision.user.username, groups: decision.groups };
  }
}
