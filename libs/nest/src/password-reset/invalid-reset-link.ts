import { BadRequestException } from '@nestjs/common';

/**
 * A reset link that is malformed, for an unknown user, used, expired or made before a password
 * change or a login: 400, with no hint of which (as Django's "invalid link" page gives none).
 */
export class DjangoInvalidResetLink extends BadRequestException {
  constructor() {
    super('The password reset link was invalid, possibly because it has already been used.');
  }
}
