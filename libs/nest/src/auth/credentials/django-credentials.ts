import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DjangoRequestContext } from '../../context/django-request-context.js';
import type { ResolvedBridgeOptions } from '../../django-bridge.options.js';
import { InjectDjangoBridgeOptions } from '../../inject-django-bridge-options.decorator.js';
import { CREDENTIAL_TYPES } from './credential-types.js';
import type { CredentialMatch, DjangoCredential } from './django-credential.js';

/**
 * The credentials a request may prove its user with, in the order of the `authentication` option
 * (DRF's DEFAULT_AUTHENTICATION_CLASSES) or of a route's @AuthenticateWith. The first credential
 * the request carries decides: a bad one is refused, never passed over for the next.
 */
@Injectable()
export class DjangoCredentials implements OnApplicationBootstrap {
  private readonly registered = new Map<string, DjangoCredential>();

  constructor(
    @InjectDjangoBridgeOptions() private readonly options: ResolvedBridgeOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** An application's own credential, usable by name in `authentication` and @AuthenticateWith. */
  register(credential: DjangoCredential): void {
    if (!credential?.name || typeof credential.authenticate !== 'function') throw new Error('A credential needs a name and an authenticate(request) method');
    this.registered.set(credential.name, credential);
  }

  /** An unknown name in the options fails start-up, not the first request. */
  onApplicationBootstrap(): void {
    this.list(this.options.authentication);
  }

  get(name: string): DjangoCredential {
    const own = this.registered.get(name);
    if (own) return own;
    const type = CREDENTIAL_TYPES[name];
    if (!type) throw new Error(`Unknown credential "${name}" (known: ${[...Object.keys(CREDENTIAL_TYPES), ...this.registered.keys()].join(', ')}); register it with DjangoCredentials.register`);
    const credential = this.moduleRef.get(type, { strict: false });
    this.registered.set(name, credential);
    return credential;
  }

  list(names: readonly string[] = this.options.authentication): DjangoCredential[] {
    return names.map((name) => this.get(name));
  }

  /** The first credential the request carries, checked; null when it carries none. Remembered on the request. */
  async authenticate(request: object, names?: readonly string[]): Promise<CredentialMatch | null> {
    const context = DjangoRequestContext.of(request);
    const allowed = names ?? this.options.authentication;
    // Another guard of this request found it already; only a credential this route accepts counts.
    if (context.credential && allowed.includes(context.credential.credential)) return context.credential;
    for (const credential of this.list(allowed)) {
      const match = await credential.authenticate(request);
      if (match) return (context.credential = { ...match, csrfExempt: credential.csrfExempt === true });
    }
    return null;
  }

  /** The WWW-Authenticate value of a 401: the first of the credentials that has one (as DRF takes its first class's). */
  challenge(names?: readonly string[]): string | undefined {
    for (const credential of this.list(names)) {
      const value = credential.challenge();
      if (value) return value;
    }
    return undefined;
  }
}
