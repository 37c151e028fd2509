/** Django's CSRF tokens and checks (`django.middleware.csrf`), framework-free. */
export * from './csrf-constants.js';
export { getNewCsrfSecret, maskCipherSecret, unmaskCipherToken, getCsrfToken, checkCsrfTokenFormat, csrfSecretFromCookie, csrfCookieValue, checkCsrfToken } from './csrf-token.js';
export { checkCsrfOrigin, checkCsrfReferer, type CsrfCheckResult, type CsrfOriginOptions, type CsrfRefererOptions } from './csrf-origin.js';
export { verifyCsrfRequest, type CsrfRequest } from './csrf-check.js';
export { isSameDomain, urlSplit } from './python-urlsplit.js';
