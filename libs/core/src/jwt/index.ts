export { SIMPLE_JWT_ALGORITHMS, resolveSimpleJwtSettings, simpleJwtReleaseFor, simpleJwtRelease, isModernSimpleJwt, type SimpleJwtAlgorithm, type SimpleJwtRelease, type SimpleJwtSettings, type ResolvedSimpleJwtSettings } from './simple-jwt-settings.js';
export { JwtBackend, MAX_JWT_LENGTH, type JwtPayload } from './jwt-backend.js';
export { SimpleJwtToken, SIMPLE_JWT_TOKEN_CLASSES, passwordHashClaim, type SimpleJwtSubject, type SimpleJwtTokenType } from './simple-jwt-token.js';
export { TokenError, undecodableMessage } from './token-error.js';
