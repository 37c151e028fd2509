import { DEFAULT_PASSWORD_RESET_TIMEOUT, djangoDefaults, ImproperlyConfigured, type DjangoVersion } from '@django-bridge/core';

/** The `passwordReset` option of DjangoBridgeModule: the settings of Django's reset links. */
export interface PasswordResetOptions {
  /** PASSWORD_RESET_TIMEOUT in seconds (3.2's PASSWORD_RESET_TIMEOUT_DAYS times 86400); default 259200 (three days). */
  timeout?: number;
  /**
   * The column of the user's `get_email_field_name()` (EMAIL_FIELD), which the token covers; default
   * 'email'. It must be loaded on the user (`userModel.extraColumns`); null for a model without one.
   */
  emailField?: string | null;
  /** DEFAULT_HASHING_ALGORITHM, on Django 3.2 only; default 'sha256'. */
  algorithm?: 'sha256' | 'sha1';
}

export interface ResolvedPasswordResetOptions {
  timeout: number;
  emailField: string | null;
  algorithm: 'sha256' | 'sha1' | undefined;
}

/** Checks `passwordReset` at start-up, naming the bad value. */
export function resolvePasswordResetOptions(options: PasswordResetOptions | undefined, djangoVersion: DjangoVersion): ResolvedPasswordResetOptions {
  const o = options ?? {};
  const fail = (name: string, problem: string): never => {
    throw new ImproperlyConfigured(`DjangoBridgeModule option "passwordReset.${name}" ${problem}`);
  };
  const timeout = o.timeout ?? DEFAULT_PASSWORD_RESET_TIMEOUT;
  if (!Number.isSafeInteger(timeout) || timeout < 0) fail('timeout', 'must be a whole number of seconds (PASSWORD_RESET_TIMEOUT)');
  const emailField = o.emailField === undefined ? 'email' : o.emailField;
  if (emailField !== null && (typeof emailField !== 'string' || emailField === '')) fail('emailField', 'must be a column name or null');
  if (o.algorithm !== undefined) {
    if (!djangoDefaults(djangoVersion).acceptsLegacySha1) fail('algorithm', `does not exist on Django ${djangoVersion} (DEFAULT_HASHING_ALGORITHM is 3.1/3.2 only; tokens use sha256)`);
    if (o.algorithm !== 'sha256' && o.algorithm !== 'sha1') fail('algorithm', "must be 'sha256' or 'sha1'");
  }
  return { timeout, emailField, algorithm: o.algorithm };
}
