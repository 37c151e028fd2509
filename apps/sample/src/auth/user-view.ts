import { Injectable } from '@nestjs/common';
import { DjangoAuthService, type DjangoUser } from '@django-bridge/nest';

/** The user as the sample's API shows it (`GET /api/me`, `POST /api/login`). */
export interface UserView {
  id: number | string;
  username: string;
  email: string;
  isStaff: boolean;
  isSuperuser: boolean;
  groups: string[];
  permissions: string[];
}

@Injectable()
export class UserViewService {
  constructor(private readonly auth: DjangoAuthService) {}

  async describe(user: DjangoUser): Promise<UserView> {
    const [groups, permissions] = await Promise.all([this.auth.groupNames(user), this.auth.allPermissions(user)]);
    const email = user.fields.email;
    return {
      id: user.id,
      username: user.username,
      email: typeof email === 'string' ? email : '',
      isStaff: user.isStaff,
      isSuperuser: user.isSuperuser,
      groups,
      permissions: [...permissions].sort(),
    };
  }
}
