/**
 * Rejection reasons exactly as Django 4.0+ words them: they end up in 403 pages and logs, so clients
 * and log alerts written against Django keep working.
 */
export const REASON_NO_REFERER = 'Referer checking failed - no Referer.';
export const REASON_NO_CSRF_COOKIE = 'CSRF cookie not set.';
/** 4.0+: no token in the form field nor in the header. */
export const REASON_CSRF_TOKEN_MISSING = 'CSRF token missing.';
/** 3.2 only: one reason for every token failure (4.0 split it into the precise reasons below). */
export const REASON_BAD_TOKEN = 'CSRF token missing or incorrect.';
export const REASON_MALFORMED_REFERER = 'Referer checking failed - Referer is malformed.';
export const REASON_INSECURE_REFERER = 'Referer checking failed - Referer is insecure while host is secure.';

/** Django formats these with the Origin header as received. */
export const REASON_BAD_ORIGIN = (origin: string): string => `Origin checking failed - ${origin} does not match any trusted origins.`;
/** Django formats these with the Referer as re-assembled by urllib (`geturl()`), not as received. */
export const REASON_BAD_REFERER = (referer: string): string => `Referer checking failed - ${referer} does not match any trusted origins.`;

/** Subject-less phrases carried by InvalidCsrfTokenFormat; the caller says whose token it was. */
export const REASON_INCORRECT_LENGTH = 'has incorrect length';
export const REASON_INVALID_CHARACTERS = 'has invalid characters';
