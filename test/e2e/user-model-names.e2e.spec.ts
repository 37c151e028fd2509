/**
 * The bridge's default names for a custom AUTH_USER_MODEL against the names the real Django
 * computes (Options.db_table, ManyToManyField through tables and their FK columns), including a
 * model whose Meta.db_table differs from its name and an app label with an underscore.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveUserModel } from '@django-bridge/nest';
import { DJANGO_PROJECT_DIR } from '../django/django-project.js';

const CASES = [
  { app_label: 'people', object_name: 'Person', db_table: 'people' },
  { app_label: 'my_app', object_name: 'Member', db_table: null },
  { app_label: 'accounts', object_name: 'CustomUser', db_table: 'site_users' },
  { app_label: 'auth', object_name: 'User', db_table: null },
];

function djangoNames(): Record<string, string>[] {
  const script = join(DJANGO_PROJECT_DIR, '..', 'user_model_names.py');
  const run = spawnSync('/usr/bin/python3', [script], { input: JSON.stringify(CASES.filter((c) => c.app_label !== 'auth')), encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`user_model_names.py failed: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout);
}

describe('userModel names as Django computes them', () => {
  const names = djangoNames();
  it.each(CASES.filter((c) => c.app_label !== 'auth').map((c, i) => [`${c.app_label}.${c.object_name}`, c, i] as const))('%s', (model, c, i) => {
    const django = names[i];
    const resolved = resolveUserModel({ model, ...(c.db_table ? { table: c.db_table } : {}) });
    expect({ table: resolved.table, groups_table: resolved.groupsTable, groups_column: resolved.m2mColumn, permissions_table: resolved.permissionsTable, permissions_column: resolved.m2mColumn }).toEqual(django);
    expect(resolved.appLabel).toBe(c.app_label);
  });
});
