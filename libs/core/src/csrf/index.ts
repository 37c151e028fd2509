/** Django's CSRF tokens and checks (`django.middleware.csrf`), framework-free. */
export { CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, CSRF_ALLOWED_CHARS, CSRF_SESSION_KEY, CSRF_FORM_FIELD, CSRF_SAFE_METHODS, CSRF_DEFAULTS } from './csrf-constants.js';
export { REASON_NO_REFERER, REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING, REASON_BAD_TOKEN, REASON_MALFORMED_REFERER, REASON_INSECURE_REFERER, REASON_BAD_ORIGIN, REASON_BAD_REFERER, REASON_INCORRECT_LENGTH, REASON_INVALID_CHARACTERS } from './csrf-reasons.js';
export { getNewCsrfString } from './csrf-random-string.js';
export { getNewCsrfSecret, getNewCsrfToken, getCsrfToken } from './csrf-secret.js';
export { maskCipherSecret, unmaskCipherToken } from './csrf-mask.js';
export { checkCsrfTokenFormat, isCsrfString } from './csrf-token-format.js';
export { csrfSecretFromCookie, csrfCookieValue, rotateCsrfSecret, type CsrfCookieValueOptions } from './csrf-cookie.js';
export { checkCsrfToken } from './csrf-token-match.js';
export { CSRF_OK, csrfReject, type CsrfCheckResult } from './csrf-check-result.js';
export { parseCsrfTrustedOrigins, isCsrfTrustedOrigins, type CsrfTrustedOrigins } from './csrf-trusted-origins.js';
export { checkCsrfOrigin, type CsrfOriginOptions } from './csrf-origin.js';
export { checkCsrfReferer, type CsrfRefererOptions } from './csrf-referer.js';
export { csrfHeaderDisplayName } from './csrf-header-name.js';
export { verifyCsrfRequest, type CsrfRequest } from './verify-csrf-request.js';
export { isSameDomain } from './is-same-domain.js';
export { urlParse, urlUnparse, urlSplit, urlUnsplit, UrlParseError, type ParsedUrl, type SplitUrl } from './python-urlparse.js';
