import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_DEFAULTS, CSRF_SAFE_METHODS, CSRF_TOKEN_LENGTH, REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE } from './csrf-constants.js';
import { checkCsrfOrigin, checkCsrfReferer, type CsrfCheckResult } from './csrf-origin.js';
import { checkCsrfTokenFormat, unmaskCipherToken } from './csrf-token.js';

export interface CsrfRequest {
  method: string;
  /** The stored secret: the csrftoken cookie, or the session's `_csrftoken` with CSRF_USE_SESSIONS. */
  storedToken: string | null | undefined;
  /** True when `storedToken` came from the session (trusted, not format-checked, as in Django). */
  useSessions?: boolean;
  /** The csrfmiddlewaretoken form field, if the request is a form POST. */
  formToken?: string | null;
  /** The X-CSRFToken header (or the configured CSRF_HEADER_NAME). */
  headerToken?: string | null;
  /** Header name used in reasons, e.g. "X-CSRFToken". */
  headerName?: string;
  origin?: string | null;
  referer?: string | null;
  isSecure: boolean;
  host: string | null;
  trustedOrigins?: readonly string[];
  cookieDomain?: string | null;
  serverPort?: string;
}

/**
 * `CsrfViewMiddleware.process_view` (Django 4.1+ rules, which also accept every token 3.2/4.0 wrote):
 * safe methods pass; then Origin (or, on HTTPS without Origin, Referer); then the token. Returns
 * Django's reason on failure, for a 403.
 */
export function verifyCsrfRequest(req: CsrfRequest): CsrfCheckResult {
  if (CSRF_SAFE_METHODS.includes(req.method.toUpperCase())) return { ok: true };
  if (req.origin !== undefined && req.origin !== null) {
    const origin = checkCsrfOrigin({ origin: req.origin, isSecure: req.isSecure, host: req.host, trustedOrigins: req.trustedOrigins });
    if (!origin.ok) return origin;
  } else if (req.isSecure) {
    const referer = checkCsrfReferer(req);
    if (!referer.ok) return referer;
  }
  return checkTokens(req);
}

function checkTokens(req: CsrfRequest): CsrfCheckResult {
  let secret = req.storedToken;
  if (secret === null || secret === undefined) return { ok: false, reason: REASON_NO_CSRF_COOKIE };
  if (!req.useSessions) {
    try {
      checkCsrfTokenFormat(secret);
    } catch (err) {
      return { ok: false, reason: `CSRF cookie ${(err as InvalidCsrfTokenFormat).message}.` };
    }
  }
  // Django before 4.1 stored a masked token; unmask it to the secret.
  if (secret.length === CSRF_TOKEN_LENGTH) secret = safeUnmask(secret);

  const fromForm = req.method.toUpperCase() === 'POST' && req.formToken ? req.formToken : '';
  let token = fromForm;
  let source = 'POST';
  if (token === '') {
    if (req.headerToken === undefined || req.headerToken === null) return { ok: false, reason: REASON_CSRF_TOKEN_MISSING };
    token = req.headerToken;
    source = `the '${req.headerName ?? CSRF_DEFAULTS.headerName}' HTTP header`;
  }
  try {
    checkCsrfTokenFormat(token);
  } catch (err) {
    return { ok: false, reason: `CSRF token from ${source} ${(err as InvalidCsrfTokenFormat).message}.` };
  }
  const candidate = token.length === CSRF_TOKEN_LENGTH ? unmaskCipherToken(token) : token;
  return constantTimeCompare(candidate, secret ?? '') ? { ok: true } : { ok: false, reason: `CSRF token from ${source} incorrect.` };
}

function safeUnmask(value: string): string {
  try {
    return unmaskCipherToken(value);
  } catch {
    return '';
  }
}
