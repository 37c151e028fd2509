/** DRF's TokenAuthentication and Token model (rest_framework.authtoken). */
export { DrfTokenStore, type DrfToken, type DrfTokenGetOrCreate } from './drf-token-store.js';
export { TypeOrmDrfTokenStore, DRF_TOKEN_MODEL, DRF_TOKEN_TABLE, type TypeOrmDrfTokenStoreOptions } from './typeorm-drf-token.store.js';
export { MemoryDrfTokenStore } from './memory-drf-token.store.js';
export { GuardedDrfTokenStore } from './guarded-drf-token-store.js';
export { DrfTokenCredential } from './drf-token.credential.js';
export { DrfTokenService, type DrfTokenOwner } from './drf-token.service.js';
export { parseDrfTokenHeader, DRF_TOKEN_MESSAGES, type DrfTokenHeader } from './drf-token-header.js';
export { generateDrfTokenKey, isPossibleDrfTokenKey, DRF_TOKEN_KEY_LENGTH } from './drf-token-key.js';
export { type DrfTokenOptions, type ResolvedDrfTokenOptions } from './drf-token-options.js';
