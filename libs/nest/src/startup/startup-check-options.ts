import { ImproperlyConfigured } from '@django-bridge/core';
import { SECRET_KEY_WARNING_THRESHOLD } from './secret-key-monitor.js';

/**
 * How the start-up checks wait for the database. A database that is still starting (a container
 * coming up with the app) gets a few tries: `retries` more attempts after the first, waiting
 * `retryDelay` ms and doubling each time, and all of it within `timeout` ms; after that start-up
 * fails with one line. Defaults: 4 retries, 250 ms (so 250, 500, 1000, 2000 ms), 10000 ms in all.
 * `secretKeyWarningAfter`: how many signature failures in a row, while running, log the one warning
 * about `secretKey` (default 20; 0 never warns).
 */
export interface StartupCheckOptions {
  retries?: number;
  retryDelay?: number;
  timeout?: number;
  secretKeyWarningAfter?: number;
}

export interface ResolvedStartupChecks {
  enabled: boolean;
  retries: number;
  retryDelay: number;
  timeout: number;
  secretKeyWarningAfter: number;
}

export const DEFAULT_STARTUP_CHECKS: ResolvedStartupChecks = { enabled: true, retries: 4, retryDelay: 250, timeout: 10_000, secretKeyWarningAfter: SECRET_KEY_WARNING_THRESHOLD };
const KEYS = Object.keys(DEFAULT_STARTUP_CHECKS).filter((k) => k !== 'enabled');

function fail(option: string, problem: string): never {
  throw new ImproperlyConfigured(`DjangoBridgeModule option "${option}" ${problem}`);
}

/** `startupChecks`: true/absent (the defaults), false (no checks, for apps that must start with the database down), or the policy. */
export function resolveStartupChecks(given: boolean | StartupCheckOptions | undefined): ResolvedStartupChecks {
  if (given === undefined || given === true) return DEFAULT_STARTUP_CHECKS;
  if (given === false) return { ...DEFAULT_STARTUP_CHECKS, enabled: false };
  if (!given || typeof given !== 'object') fail('startupChecks', `must be a boolean or { ${KEYS.join(', ')} }`);
  for (const key of Object.keys(given)) if (!KEYS.includes(key)) fail(`startupChecks.${key}`, `is not one of ${KEYS.join(', ')}`);
  const whole = (key: keyof StartupCheckOptions, min: number) => {
    const value = given[key] ?? DEFAULT_STARTUP_CHECKS[key];
    if (!Number.isSafeInteger(value) || value < min) fail(`startupChecks.${key}`, `must be a whole number${min > 0 ? ' above 0' : ' (0 or more)'}`);
    return value;
  };
  return { enabled: true, retries: whole('retries', 0), retryDelay: whole('retryDelay', 0), timeout: whole('timeout', 1), secretKeyWarningAfter: whole('secretKeyWarningAfter', 0) };
}
