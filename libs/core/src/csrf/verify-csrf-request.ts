import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { InvalidCsrfTokenFormat } from '../errors.js';
import { CSRF_OK, csrfReject, type CsrfCheckResult } from './csrf-check-result.js';
import { CSRF_DEFAULTS, CSRF_SAFE_METHODS, CSRF_TOKEN_LENGTH } from './csrf-constants.js';
import { csrfHeaderDisplayName } from './csrf-header-name.js';
import { unmaskCipherToken } from './csrf-mask.js';
import { checkCsrfOrigin } from './csrf-origin.js';
import { REASON_BAD_TOKEN, REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE } from './csrf-reasons.js';
import { checkCsrfReferer, type CsrfRefererOptions } from './csrf-referer.js';
import { checkCsrfTokenFormat } from './csrf-token-format.js';

/** A request as CsrfViewMiddleware sees it; the Referer fields are those of checkCsrfReferer. */
export interface CsrfRequest extends CsrfRefererOptions {
  /** HTTP method; compared upper-cased. */
  method: string;
  /** The stored value: the csrftoken cookie, or the session's `_csrftoken` with CSRF_USE_SESSIONS. Absent: null/undefined. */
  storedToken: string | null | undefined;
  /** True when `storedToken` came from the session: trusted, so not format-checked (as in Django). */
  useSessions?: boolean;
  /** The csrfmiddlewaretoken form field (POST only; "" counts as absent, as in Django). */
  formToken?: string | null;
  /** The token header (X-CSRFToken by default); "" is present and malformed, as in Django. */
  headerToken?: string | null;
  /** The header's name (HTTP or WSGI form), for reasons; defaults to X-CSRFToken. */
  headerName?: string;
  /** The Origin header, if sent. */
  origin?: string | null;
  /**
   * Word token refusals as Django 3.2 does: one "CSRF token missing or incorrect." for a bad
   * cookie, a missing token, a malformed one and a wrong one (4.0 split it into precise reasons).
   * Only the wording changes; what is refused is the same.
   */
  legacyTokenReason?: boolean;
}

/**
 * `CsrfViewMiddleware.process_view` as 4.1+ runs it, returning Django's reason on failure: safe
 * methods pass; then the Origin header if present, else (HTTPS only) the Referer; then the token.
 * Accepts every cookie and token form Django 3.2 to 6.1 write; reasons are worded as in 4.0+, or
 * as in 3.2 with `legacyTokenReason`.
 */
export function verifyCsrfRequest(req: CsrfRequest): CsrfCheckResult {
  const method = req.method.toUpperCase();
  if (CSRF_SAFE_METHODS.includes(method)) return CSRF_OK;
  const source = req.origin !== undefined && req.origin !== null
    ? checkCsrfOrigin({ origin: req.origin, isSecure: req.isSecure, host: req.host, trustedOrigins: req.trustedOrigins })
    : checkCsrfReferer(req);
  if (!source.ok) return source;
  const result = checkTokens(req, method);
  // 3.2 names only a missing cookie apart; every other token failure shares one reason.
  if (!result.ok && req.legacyTokenReason && result.reason !== REASON_NO_CSRF_COOKIE) return csrfReject(REASON_BAD_TOKEN);
  return result;
}

function checkTokens(req: CsrfRequest, method: string): CsrfCheckResult {
  const stored = req.storedToken;
  if (stored === null || stored === undefined) return csrfReject(REASON_NO_CSRF_COOKIE);
  if (!req.useSessions) {
    const problem = formatProblem(stored);
    if (problem) return csrfReject(`CSRF cookie ${problem}.`);
  }
  // Before 4.1 the stored value was a masked token; a bad session value simply matches nothing.
  const secret = stored.length === CSRF_TOKEN_LENGTH ? unmaskOrNull(stored) : stored;

  let token = method === 'POST' && req.formToken ? req.formToken : '';
  let source = 'POST';
  if (token === '') {
    if (req.headerToken === undefined || req.headerToken === null) return csrfReject(REASON_CSRF_TOKEN_MISSING);
    token = req.headerToken;
    source = `the '${csrfHeaderDisplayName(req.headerName ?? CSRF_DEFAULTS.headerName)}' HTTP header`;
  }
  const problem = formatProblem(token);
  if (problem) return csrfReject(`CSRF token from ${source} ${problem}.`);
  const candidate = token.length === CSRF_TOKEN_LENGTH ? unmaskCipherToken(token) : token;
  return secret !== null && constantTimeCompare(candidate, secret) ? CSRF_OK : csrfReject(`CSRF token from ${source} incorrect.`);
}

/** Django's InvalidTokenFormat reason for a value, or null when its format is fine. */
function formatProblem(value: string): string | null {
  try {
    checkCsrfTokenFormat(value);
    return null;
  } catch (err) {
    if (err instanceof InvalidCsrfTokenFormat) return err.message;
    throw err;
  }
}

function unmaskOrNull(value: string): string | null {
  try {
    return unmaskCipherToken(value);
  } catch {
    return null;
  }
}
