import { Injectable } from '@nestjs/common';
import type { DjangoUser } from '../users/django-user.js';
import { generateDrfTokenKey } from './drf-token-key.js';
import { DrfTokenStore, type DrfToken, type DrfTokenGetOrCreate } from './drf-token-store.js';

/** A user, or a user's primary key. */
export type DrfTokenOwner = Pick<DjangoUser, 'id'> | number | string;

function userIdOf(user: DrfTokenOwner): number | string {
  const id = typeof user === 'object' && user !== null ? user.id : user;
  if ((typeof id !== 'number' || !Number.isSafeInteger(id)) && (typeof id !== 'string' || id === '')) throw new TypeError('DrfTokenService: a user (or its primary key) is required');
  return id;
}

/**
 * Makes and removes DRF tokens that Django's TokenAuthentication accepts: rows of `authtoken_token`
 * with Token.generate_key's keys. One token per user, as DRF's one-to-one model has it.
 */
@Injectable()
export class DrfTokenService {
  constructor(private readonly store: DrfTokenStore) {}

  /** `Token.objects.filter(user=user).first()`: the user's token, or null. */
  forUser(user: DrfTokenOwner): Promise<DrfToken | null> {
    return this.store.findByUser(userIdOf(user));
  }

  /** `Token.objects.get_or_create(user=user)[0]`: the user's token, made if there is none (what ObtainAuthToken answers). */
  async create(user: DrfTokenOwner): Promise<DrfToken> {
    return (await this.getOrCreate(user)).token;
  }

  /** `Token.objects.get_or_create(user=user)`, with whether the token is new. */
  getOrCreate(user: DrfTokenOwner): Promise<DrfTokenGetOrCreate> {
    const userId = userIdOf(user);
    return this.store.getOrCreate(userId, () => this.newToken(userId));
  }

  /** A new key in place of the old one, at once (`drf_create_token --reset`): the old key stops working. */
  async rotate(user: DrfTokenOwner): Promise<DrfToken> {
    const token = this.newToken(userIdOf(user));
    await this.store.replace(token);
    return token;
  }

  /** `Token.objects.filter(user=user).delete()` (a logout from every client of the token): whether one was deleted. */
  async delete(user: DrfTokenOwner): Promise<boolean> {
    return (await this.store.deleteForUser(userIdOf(user))) > 0;
  }

  /** Deletes the token with this key, whoever owns it: whether one was deleted. */
  async deleteKey(key: string): Promise<boolean> {
    return (await this.store.deleteKey(key)) > 0;
  }

  private newToken(userId: number | string): DrfToken {
    return { key: generateDrfTokenKey(), userId, created: new Date() };
  }
}
