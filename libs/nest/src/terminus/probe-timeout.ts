/**
 * A probe timeout: a positive whole number of milliseconds, or the reason it is not one (a typo must
 * not mean "wait forever"). The reason is reported as the check being down, so /health says what is
 * wrong instead of answering 500.
 */
export function probeTimeout(value: unknown, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) return `DjangoHealthIndicator: timeout must be a positive whole number of milliseconds, not ${String(value)}`;
  return value as number;
}
