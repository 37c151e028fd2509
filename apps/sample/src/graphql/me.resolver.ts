import { UnauthorizedException, UseGuards } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, DjangoAuthService, DjangoCsrfGuard, DjangoSessionGuard, type DjangoUser } from '@django-bridge/nest';
import { LOGIN_FAILED } from '../auth/auth.controller.js';
import { UserViewService } from '../auth/user-view.js';
import { UserModel } from './user.model.js';

/**
 * The JSON login API over GraphQL at POST /graphql: `{ me { username } }` answers like GET /api/me
 * (an UNAUTHENTICATED error without a session); `login` and `logout` set and clear the same Django
 * session cookie, and are mutations, so they need the CSRF token like POST /api/login.
 */
@Resolver(() => UserModel)
@UseGuards(DjangoCsrfGuard)
export class MeResolver {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly users: UserViewService,
  ) {}

  @Query(() => UserModel)
  @UseGuards(DjangoSessionGuard)
  async me(@CurrentUser() user: DjangoUser): Promise<UserModel> {
    return toModel(await this.users.describe(user));
  }

  @Mutation(() => UserModel)
  async login(@Context('req') req: object, @Args('username') username: string, @Args('password') password: string): Promise<UserModel> {
    const user = await this.auth.authenticate(username, password);
    if (!user) throw new UnauthorizedException(LOGIN_FAILED);
    await this.auth.login(req, user);
    return toModel(await this.users.describe(user));
  }

  @Mutation(() => Boolean)
  async logout(@Context('req') req: object): Promise<boolean> {
    await this.auth.logout(req);
    return true;
  }
}

function toModel(view: Awaited<ReturnType<UserViewService['describe']>>): UserModel {
  return { ...view, id: String(view.id) };
}
