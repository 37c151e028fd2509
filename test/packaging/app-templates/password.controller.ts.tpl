import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { DjangoAuthService, DjangoUserStore, Public, SimpleJwtService } from '@django-bridge/nest';

// Django's check_password over the stored hash: argon2 and bcrypt load from the app's own packages;
// a SimpleJWT pair issued and its access token verified: jose loads from the app's own packages too.
@Controller()
export class PasswordController {
  constructor(
    private readonly auth: DjangoAuthService,
    @Inject(DjangoUserStore) private readonly users: DjangoUserStore,
    private readonly jwt: SimpleJwtService,
  ) {}

  @Post('check-password')
  @Public()
  @HttpCode(200)
  async check(@Body() body: { username: string; password: string }): Promise<{ ok: boolean | null }> {
    return { ok: await this.auth.checkUserPassword(body.username, body.password) };
  }

  @Post('jwt')
  @Public()
  @HttpCode(200)
  async jwtRoundTrip(@Body() body: { username: string }): Promise<{ username: string | null }> {
    const user = await this.users.findByUsername(body.username);
    if (!user) return { username: null };
    const { access } = await this.jwt.obtainPair(user);
    return { username: (await this.jwt.verifyAccess(access)).user.username };
  }
}
