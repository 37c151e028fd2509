import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { DjangoAuthService, Public } from '@django-bridge/nest';

// Django's check_password over the stored hash: argon2 and bcrypt load from the app's own packages.
@Controller()
export class PasswordController {
  constructor(private readonly auth: DjangoAuthService) {}

  @Post('check-password')
  @Public()
  @HttpCode(200)
  async check(@Body() body: { username: string; password: string }): Promise<{ ok: boolean | null }> {
    return { ok: await this.auth.checkUserPassword(body.username, body.password) };
  }
}
