export { DjangoSignedCookies, type GetSignedCookieOptions, type SetSignedCookieOptions } from './django-signed-cookies.service.js';
export { DjangoSignedCookieError, type SignedCookieProblem } from './signed-cookie-error.js';
export { SignedCookie, SignedCookiePipe, type SignedCookieParamOptions } from './signed-cookie.decorator.js';
export { type SignedCookiesOptions, type ResolvedSignedCookiesOptions } from './signed-cookies-options.js';
