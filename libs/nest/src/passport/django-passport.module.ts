import { Module } from '@nestjs/common';
import { DjangoBasicStrategy } from './django-basic.strategy.js';
import { DjangoPasswordStrategy } from './django-password.strategy.js';
import { DjangoSessionStrategy } from './django-session.strategy.js';

const STRATEGIES = [DjangoSessionStrategy, DjangoPasswordStrategy, DjangoBasicStrategy];

/**
 * The Passport strategies "django-session", "django-password" and "django-basic", for
 * `AuthGuard('django-…')` from @nestjs/passport. Kept out of DjangoBridgeModule so that only apps
 * that use Passport need @nestjs/passport and passport-custom (each app brings the @nestjs/passport
 * of its own Nest line). Import it next to DjangoBridgeModule; the strategies take the bridge's
 * services from it, which are global by default (with `isGlobal: false`, import the same
 * `DjangoBridgeModule.forRoot(...)` value into this module's importer too).
 */
@Module({ providers: STRATEGIES, exports: STRATEGIES })
export class DjangoPassportModule {}
