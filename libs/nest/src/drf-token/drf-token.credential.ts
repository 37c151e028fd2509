import { Inject, Injectable } from '@nestjs/common';
import type { CredentialMatch, DjangoCredential } from '../auth/credentials/django-credential.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';
import { requestHeader } from '../http/http-adapter.js';
import { InjectDjangoBridgeOptions } from '../inject-django-bridge-options.decorator.js';
import { DjangoUserStore } from '../users/django-user-store.js';
import { isPossibleDrfTokenKey } from './drf-token-key.js';
import { DRF_TOKEN_MESSAGES, parseDrfTokenHeader } from './drf-token-header.js';
import { DrfTokenStore } from './drf-token-store.js';

/**
 * DRF's TokenAuthentication as the credential 'token': `Authorization: Token <key>` (the keyword
 * is `drfToken.keyword`) against `authtoken_token`. Another scheme or no header is not this
 * credential (null); a malformed header, an unknown key or an inactive user is a 401 with DRF's
 * message and `WWW-Authenticate: <keyword>`. The match's `auth` is the token row (DRF's request.auth).
 */
@Injectable()
export class DrfTokenCredential implements DjangoCredential {
  readonly name = 'token';
  // An Authorization header no cross-site request can set: DRF checks CSRF for sessions only.
  readonly csrfExempt = true;
  private readonly keyword: string;

  constructor(
    @InjectDjangoBridgeOptions() options: ResolvedBridgeOptions,
    private readonly tokens: DrfTokenStore,
    @Inject(DjangoUserStore) private readonly users: DjangoUserStore,
  ) {
    this.keyword = options.drfToken.keyword;
  }

  async authenticate(request: object): Promise<CredentialMatch | null> {
    const header = parseDrfTokenHeader(requestHeader(request, 'authorization'), this.keyword);
    if (header.kind === 'absent') return null;
    if (header.kind === 'invalid') throw this.refuse(header.message);
    return this.authenticateKey(header.key);
  }

  /**
   * TokenAuthentication.authenticate_credentials: the key's user, or a 401. A key no table can
   * hold (over 40 characters, not printable ASCII) is refused without a query.
   */
  async authenticateKey(key: string): Promise<CredentialMatch> {
    const token = isPossibleDrfTokenKey(key) ? await this.tokens.findByKey(key) : null;
    // DRF reads the user with the token (select_related): a token whose user is gone is no token.
    const user = token ? await this.users.findById(token.userId) : null;
    if (!token || !user) throw this.refuse(DRF_TOKEN_MESSAGES.invalidToken);
    if (!user.isActive) throw this.refuse(DRF_TOKEN_MESSAGES.inactive);
    return { user, credential: this.name, auth: token };
  }

  /** TokenAuthentication.authenticate_header. */
  challenge(): string {
    return this.keyword;
  }

  private refuse(message: string): DjangoNotAuthenticated {
    return new DjangoNotAuthenticated(message, this.challenge());
  }
}
