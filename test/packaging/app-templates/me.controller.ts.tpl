import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentUser, DjangoSessionGuard, DjangoUser } from '@django-bridge/nest';

@Controller()
export class MeController {
  @Get('me')
  @UseGuards(DjangoSessionGuard)
  me(@CurrentUser() user: DjangoUser): { username: string } {
    return { username: user.username };
  }
}
