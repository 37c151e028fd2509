import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

// The bridge's "django-session" Passport strategy, through the app's own @nestjs/passport.
@Controller()
export class PassportMeController {
  @Get('passport/me')
  @UseGuards(AuthGuard('django-session'))
  me(@Req() req: { user: { username: string } }): { username: string; via: string } {
    return { username: req.user.username, via: 'passport' };
  }
}
