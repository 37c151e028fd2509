/** Outcome of a CSRF check: pass, or Django's reason for the 403. */
export type CsrfCheckResult = { ok: true } | { ok: false; reason: string };

export const CSRF_OK: CsrfCheckResult = Object.freeze({ ok: true });

export function csrfReject(reason: string): CsrfCheckResult {
  return { ok: false, reason };
}
