/** @django-bridge/nest/passport: the Passport strategies, for apps that use @nestjs/passport. */
export { DjangoPassportModule, type DjangoPassportModuleOptions } from './django-passport.module.js';
export { DjangoSessionStrategy } from './django-session.strategy.js';
export { DjangoPasswordStrategy } from './django-password.strategy.js';
export { DjangoBasicStrategy } from './django-basic.strategy.js';
export { DjangoJwtStrategy } from './django-jwt.strategy.js';
export { DjangoTokenStrategy } from './django-token.strategy.js';
export { parseBasicAuthorization } from '../auth/basic-authorization.js';
