import { BadRequestException, Body, Controller, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { CurrentUser, DjangoAuthGuard, DjangoAuthService, DjangoCsrfGuard, DjangoCsrfService, DjangoSessionGuard, type DjangoUser } from '@django-bridge/nest';
import { UserViewService, type UserView } from './user-view.js';

/** One answer for unknown users, inactive users and wrong passwords: nothing tells them apart. */
export const LOGIN_FAILED = 'Invalid username or password.';

/**
 * The JSON login API. Mounted twice: under /api it works on Django's shared tables, under
 * /admin/api the database router sends the same code to the app's local auth tables.
 */
@Controller(['api', 'admin/api'])
@UseGuards(DjangoCsrfGuard)
export class AuthController {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly csrf: DjangoCsrfService,
    private readonly users: UserViewService,
  ) {}

  /** Sets the csrftoken cookie (Django's format) and hands the masked token to JavaScript. */
  @Get('csrf')
  async csrfToken(@Req() req: object): Promise<{ csrfToken: string }> {
    return { csrfToken: await this.csrf.getToken(req) };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: object, @Body() body: unknown): Promise<UserView> {
    const { username, password } = (body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string') throw new BadRequestException('Send JSON {"username": "...", "password": "..."}.');
    const user = await this.auth.authenticate(username, password);
    if (!user) throw new UnauthorizedException(LOGIN_FAILED);
    await this.auth.login(req, user);
    return await this.users.describe(user);
  }

  /**
   * Django's logout: the session is deleted from its engine's store (row, cache entry or both) and
   * the cookie cleared; fine when logged out. With signed_cookies there is nothing to delete: a
   * copy of the old cookie stays valid until it expires, as in Django.
   */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: object): Promise<void> {
    await this.auth.logout(req);
  }

  /** Who am I, by any credential the module accepts: the session cookie, a DRF token or a SimpleJWT access token. */
  @Get('me')
  @UseGuards(DjangoAuthGuard)
  async me(@CurrentUser() user: DjangoUser): Promise<UserView> {
    return await this.users.describe(user);
  }

  /** Who is logged in, without groups or permissions: the session guard's own cost (session and user, nothing more). */
  @Get('session')
  @UseGuards(DjangoSessionGuard)
  session(@CurrentUser() user: DjangoUser): { id: number | string; username: string } {
    return { id: user.id, username: user.username };
  }
}
