import { Module, type DynamicModule } from '@nestjs/common';
import { DjangoBridgeModule } from '@django-bridge/nest';
import type { SampleConfig } from './config/sample.config.js';
import { sessionCache } from './config/session-engine-settings.js';
import type { SampleDatabases } from './database/sample-databases.js';
import { AuthController } from './auth/auth.controller.js';
import { UserViewService } from './auth/user-view.js';
import { ForwardAuthController } from './forward-auth/forward-auth.controller.js';
import { HealthController } from './health.controller.js';
import { NotesController } from './notes/notes.controller.js';
import { APP_DATA_SOURCE, NotesService } from './notes/notes.service.js';
import { PagesController } from './pages/pages.controller.js';
import { PasswordResetController } from './auth/password-reset.controller.js';
import { TokenController } from './auth/token.controller.js';
import { SecretController } from './secret/secret.controller.js';
import { MeResolver } from './graphql/me.resolver.js';
import { sampleGraphQLModule } from './graphql/sample-graphql.js';
import { WhoamiGateway } from './realtime/whoami.gateway.js';

/** The sample: DjangoBridgeModule over the routed databases, and thin controllers, a resolver and a gateway on top. */
@Module({})
export class AppModule {
  static register(config: SampleConfig, databases: SampleDatabases): DynamicModule {
    const cache = sessionCache(config);
    return {
      module: AppModule,
      imports: [
        DjangoBridgeModule.forRoot({
          secretKey: config.secretKey,
          secretKeyFallbacks: config.secretKeyFallbacks,
          djangoVersion: config.djangoVersion,
          passwordHashers: config.passwords.hashers,
          passwordWorkFactors: config.passwords.workFactors,
          passwordUpgrade: config.passwords.upgrade,
          // DATABASES and DATABASE_ROUTERS: auth, contenttypes and sessions in "usersandsessions"
          // (reads on a replica when configured), everything else in "default".
          databases: databases.all,
          databaseRouters: databases.routers,
          sessionCookieName: config.sessionCookieName,
          sessionSerializer: config.sessionSerializer,
          // SESSION_ENGINE, and CACHES["default"] (SESSION_CACHE_ALIAS) only when the engine keeps
          // sessions there: like Django, a configured but unused cache is never connected to.
          sessionEngine: config.sessionEngine,
          ...(cache ? { caches: { default: cache } } : {}),
          useTz: config.useTz,
          timeZone: config.timeZone,
          // DRF's DEFAULT_AUTHENTICATION_CLASSES for DjangoAuthGuard (GET /api/me), from
          // DJANGO_AUTHENTICATION: the session cookie, `Authorization: Token <key>`
          // (rest_framework.authtoken) and `Authorization: Bearer <access>` (SimpleJWT with its
          // defaults: HS256 with SECRET_KEY, the user_id claim), with the blacklist app, so a
          // refresh token can be revoked. POST /api/token/ works whenever "jwt" is listed.
          authentication: config.authentication,
          verifiedSessionCache: config.verifiedSessionCache,
          ...(config.authentication.includes('jwt') ? { simpleJwt: { blacklist: true } } : {}),
        }),
        // The same who-am-I and login over GraphQL (POST /graphql) and socket.io (event "whoami").
        sampleGraphQLModule(config.httpAdapter),
      ],
      controllers: [HealthController, AuthController, NotesController, ForwardAuthController, SecretController, PagesController, PasswordResetController, ...(config.authentication.includes('jwt') ? [TokenController] : [])],
      providers: [UserViewService, NotesService, MeResolver, WhoamiGateway, { provide: APP_DATA_SOURCE, useValue: databases.app }],
    };
  }
}
