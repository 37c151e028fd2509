/**
 * The routes both test apps share (test/support/memory-bridge-app.ts over in-memory stores, and
 * test/e2e/support/bridge-test-app.ts over a real database): each app's controller extends this
 * class and adds its own routes. Nest finds route handlers through the prototype chain, so these
 * are routes of every subclass marked @Controller().
 */
import { Body, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { CsrfExempt, CurrentSession, CurrentUser, DjangoCsrfGuard, DjangoPermissionsGuard, DjangoSessionGuard, OptionalAuth, Public, RequireGroups, RequirePermissions, StaffOnly, SuperuserOnly, type DjangoAuthService, type DjangoCsrfService, type DjangoSession, type DjangoSessionService, type DjangoUser } from '@django-bridge/nest';

/** The user as the routes answer it: no hash, just what the tests compare. */
export function userView(user: DjangoUser | null) {
  return user && { id: user.id, username: user.username, isStaff: user.isStaff, isSuperuser: user.isSuperuser };
}

export abstract class BridgeRoutes {
  constructor(
    protected readonly auth: DjangoAuthService,
    protected readonly sessions: DjangoSessionService,
    protected readonly csrf: DjangoCsrfService,
  ) {}

  @Get('public')
  @Public()
  publicRoute() {
    return { ok: true };
  }

  @Get('me')
  @UseGuards(DjangoSessionGuard)
  async me(@CurrentUser() user: DjangoUser) {
    return { ...userView(user), permissions: [...(await this.auth.allPermissions(user))].sort(), groups: await this.auth.groupNames(user) };
  }

  @Get('maybe')
  @UseGuards(DjangoSessionGuard)
  @OptionalAuth()
  maybe(@CurrentUser() user: DjangoUser | null) {
    return { user: userView(user) };
  }

  @Get('can-add-note')
  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note')
  canAddNote() {
    return { ok: true };
  }

  @Get('agents')
  @UseGuards(DjangoSessionGuard)
  @RequireGroups('secret-agents')
  agents() {
    return { ok: true };
  }

  @Get('staff')
  @UseGuards(DjangoSessionGuard)
  @StaffOnly()
  staff() {
    return { ok: true };
  }

  @Get('superuser')
  @UseGuards(DjangoSessionGuard)
  @SuperuserOnly()
  superuser() {
    return { ok: true };
  }

  @Get('basic/agents')
  @UseGuards(AuthGuard('django-basic'), DjangoPermissionsGuard)
  @RequireGroups('secret-agents')
  basicAgents(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('session-keys')
  sessionKeys(@CurrentSession() session: DjangoSession) {
    return { key: session.key, keys: session.keys().sort() };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: object, @Body() body: { username?: unknown; password?: unknown }) {
    const user = await this.auth.authenticate(body?.username, body?.password);
    if (!user) throw new UnauthorizedException('Invalid credentials');
    await this.auth.login(req, user);
    return userView(user);
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: object) {
    await this.auth.logout(req);
    return { ok: true };
  }

  @Get('csrf')
  async csrfToken(@Req() req: object) {
    return { csrfToken: await this.csrf.getToken(req) };
  }

  @Post('csrf/exempt')
  @HttpCode(200)
  @UseGuards(DjangoCsrfGuard)
  @CsrfExempt()
  csrfExempt() {
    return { ok: true };
  }
}
