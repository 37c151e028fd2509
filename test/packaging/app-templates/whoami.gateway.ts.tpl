import { UseFilters, UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CurrentUser, DjangoBridgeExceptionFilter, DjangoSessionGuard, type DjangoUser } from '@django-bridge/nest';

// A ws gateway behind DjangoWebSocketAdapter (see main.ts), through the app's own @nestjs/websockets.
@WebSocketGateway({ path: '/ws' })
@UseFilters(DjangoBridgeExceptionFilter)
export class WhoamiGateway {
  @SubscribeMessage('whoami')
  @UseGuards(DjangoSessionGuard)
  whoami(@CurrentUser() user: DjangoUser): { event: string; data: { username: string } } {
    return { event: 'whoami', data: { username: user.username } };
  }
}
