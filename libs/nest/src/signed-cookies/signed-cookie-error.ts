import { BadRequestException } from '@nestjs/common';

/** Why a signed cookie could not be read. */
export type SignedCookieProblem = 'missing' | 'bad-signature' | 'expired';

/**
 * `get_signed_cookie` without a default, when the cookie is absent (Django's KeyError), does not
 * verify (BadSignature) or is older than max_age (SignatureExpired): a 400, never a 500. The core
 * error, if any, is the `cause`.
 */
export class DjangoSignedCookieError extends BadRequestException {
  constructor(
    readonly cookieName: string,
    readonly problem: SignedCookieProblem,
    cause?: unknown,
  ) {
    super(problem === 'missing' ? `Signed cookie "${cookieName}" is missing` : problem === 'expired' ? `Signed cookie "${cookieName}" has expired` : `Signed cookie "${cookieName}" has a bad signature`, { cause });
  }
}
