import { UseFilters, UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CurrentUser, DjangoBridgeExceptionFilter, DjangoSessionGuard, type DjangoUser } from '@django-bridge/nest';
import { UserViewService, type UserView } from '../auth/user-view.js';

/**
 * socket.io at the sample's own origin. DjangoWebSocketAdapter (see sample-app.ts) refuses the
 * connection without a valid Django session or from another site's page, and ends it when the
 * session ends; the guard checks the session again on every `whoami`.
 */
@WebSocketGateway()
@UseFilters(DjangoBridgeExceptionFilter)
export class WhoamiGateway {
  constructor(private readonly users: UserViewService) {}

  @SubscribeMessage('whoami')
  @UseGuards(DjangoSessionGuard)
  whoami(@CurrentUser() user: DjangoUser): Promise<UserView> {
    return this.users.describe(user);
  }
}
