export { SimpleJwtService, type SimpleJwtPair, type SimpleJwtRefreshed, type SimpleJwtAuthentication } from './simple-jwt.service.js';
export { SimpleJwtCredential } from './simple-jwt-credential.js';
export { SimpleJwtAuthenticationFailed, SIMPLE_JWT_MESSAGES, type SimpleJwtErrorBody, type SimpleJwtMessage } from './simple-jwt-errors.js';
export { parseSimpleJwtHeader, type SimpleJwtHeader } from './simple-jwt-header.js';
export { resolveSimpleJwtOptions, type SimpleJwtOptions, type ResolvedSimpleJwtOptions } from './simple-jwt.options.js';
export { TokenBlacklistStore, type OutstandingToken, type NewOutstandingToken } from './token-blacklist-store.js';
export { TypeOrmTokenBlacklistStore, OUTSTANDING_TOKEN_MODEL, BLACKLISTED_TOKEN_MODEL, OUTSTANDING_TOKEN_TABLE, BLACKLISTED_TOKEN_TABLE, type TypeOrmTokenBlacklistStoreOptions } from './typeorm-token-blacklist.store.js';
export { MemoryTokenBlacklistStore } from './memory-token-blacklist.store.js';
