import { DjangoBridgeError } from '@django-bridge/core';

/**
 * What a protected location requires, as Django's Apache handlers configured it per <Location>:
 * DJANGO_REQUIRE_STAFF_STATUS, DJANGO_REQUIRE_SUPERUSER_STATUS, DJANGO_PERMISSION_NAME and
 * `Require group`. An empty rule admits every active user.
 */
export interface AccessRule {
  /** Only `is_staff` users. */
  staff?: boolean;
  /** Only `is_superuser` users. */
  superuser?: boolean;
  /** Every one of these "app_label.codename" permissions (ModelBackend rules). */
  permissions?: string[];
  /** Membership of at least one of these groups (Apache's `Require group a b`). */
  groups?: string[];
}

/** A location's rule could not be read: the proxy configuration is wrong. */
export class InvalidAccessRule extends DjangoBridgeError {
  override name = 'InvalidAccessRule';
}

const FLAGS: Record<string, boolean> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

/**
 * Reads a rule from a query string's parameters: `staff=1`, `superuser=1`, `permission=app.codename`
 * (repeatable, all required), `group=name` (repeatable, any one). Unknown parameters and bad values
 * are errors, so a typo in a proxy's configuration fails closed instead of opening the location.
 */
export function parseAccessRule(query: Record<string, unknown>, allowed: readonly string[] = []): AccessRule {
  const rule: AccessRule = {};
  const values = (key: string) => {
    const raw = query[key];
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.some((v) => typeof v !== 'string')) throw new InvalidAccessRule(`query parameter "${key}" must be text`);
    return list as string[];
  };
  for (const key of Object.keys(query)) {
    if (query[key] === undefined || allowed.includes(key)) continue;
    if (key === 'staff' || key === 'superuser') {
      const [value, ...rest] = values(key);
      const flag = FLAGS[value.toLowerCase()];
      if (rest.length || flag === undefined) throw new InvalidAccessRule(`query parameter "${key}" must be given once as 1/0, true/false, yes/no or on/off`);
      rule[key] = flag;
    } else if (key === 'permission') {
      rule.permissions = values(key).map((perm) => {
        if (!/^[A-Za-z_][\w]*\.\S+$/.test(perm)) throw new InvalidAccessRule(`permission "${perm}" must look like "app_label.codename"`);
        return perm;
      });
    } else if (key === 'group') {
      rule.groups = values(key).map((group) => {
        if (group.length === 0 || group.length > 150) throw new InvalidAccessRule('group names are 1 to 150 characters');
        return group;
      });
    } else {
      throw new InvalidAccessRule(`unknown query parameter "${key}" (use staff, superuser, permission or group)`);
    }
  }
  return rule;
}
