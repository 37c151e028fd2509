import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { DjangoBasicStrategy } from './django-basic.strategy.js';
import { DjangoPasswordStrategy } from './django-password.strategy.js';
import { DjangoSessionStrategy } from './django-session.strategy.js';
import { DjangoTokenStrategy } from './django-token.strategy.js';
import { DjangoJwtStrategy } from './django-jwt.strategy.js';

const STRATEGIES = [DjangoSessionStrategy, DjangoPasswordStrategy, DjangoBasicStrategy, DjangoTokenStrategy, DjangoJwtStrategy];

export interface DjangoPassportModuleOptions {
  /**
   * The modules the strategies take the bridge's services from: the same
   * `DjangoBridgeModule.forRoot(...)` / `forRootAsync(...)` value the application imports, when it
   * is registered with `isGlobal: false` (Nest keeps one instance of a dynamic module value).
   */
  imports?: ModuleMetadata['imports'];
}

/**
 * The Passport strategies "django-session", "django-password", "django-basic", "django-token" and "django-jwt", for
 * `AuthGuard('django-…')` from @nestjs/passport. Kept out of DjangoBridgeModule so that only apps
 * that use Passport need @nestjs/passport and passport-custom (each app brings the @nestjs/passport
 * of its own Nest line). Import it next to DjangoBridgeModule, which is global by default; with
 * `isGlobal: false`, use `DjangoPassportModule.register({ imports: [bridge] })`.
 */
@Module({ providers: STRATEGIES, exports: STRATEGIES })
export class DjangoPassportModule {
  static register(options: DjangoPassportModuleOptions = {}): DynamicModule {
    if (options.imports !== undefined && !Array.isArray(options.imports)) throw new TypeError('DjangoPassportModule.register: `imports` must be an array of modules');
    return { module: DjangoPassportModule, imports: options.imports ?? [], providers: STRATEGIES, exports: STRATEGIES };
  }
}
