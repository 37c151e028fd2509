import { makePassword, type PasswordHashers } from '@django-bridge/core';
import { dialectOf, toDatabaseDateTime } from '@django-bridge/nest';
import type { DataSource } from 'typeorm';

export interface DemoAccount {
  username: string;
  password: string;
  about: string;
}

/** Accounts of the embedded demo database (printed at start-up). Never created in a real database. */
export const DEMO_ACCOUNTS = {
  demo: { username: 'demo', password: 'demo-password', about: 'staff; groups editors and secret-agents; may add and delete notes' },
  reader: { username: 'reader', password: 'reader-password', about: 'no groups, no permissions' },
  admin: { username: 'admin', password: 'admin-password', about: 'superuser of the app’s local tables: sign in under /admin' },
} satisfies Record<string, DemoAccount>;

interface NewUser {
  account: DemoAccount;
  staff: boolean;
  superuser: boolean;
  groups: string[];
}

/**
 * Inserts users and groups the way Django's ORM would store them. `groups` maps group names to
 * their "app_label.codename" permissions (which the schema's post_migrate rows provide).
 */
async function seed(dataSource: DataSource, hashers: PasswordHashers, users: NewUser[], groups: Record<string, string[]>): Promise<void> {
  const dialect = dialectOf(dataSource);
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const bool = (b: boolean) => (dialect === 'postgres' ? b : b ? 1 : 0);
  const now = toDatabaseDateTime(dialect, new Date(), { useTz: true, timeZone: 'UTC' });
  await dataSource.transaction(async (tx) => {
    const run = (sql: string, params: unknown[]) => tx.query(sql, params);
    const groupIds = new Map<string, unknown>();
    for (const [name, perms] of Object.entries(groups)) {
      await run(`INSERT INTO auth_group (name) VALUES (${p(1)})`, [name]);
      const { id } = (await tx.query(`SELECT id FROM auth_group WHERE name = ${p(1)}`, [name]))[0];
      groupIds.set(name, id);
      for (const perm of perms) {
        const [appLabel, codename] = perm.split('.');
        await run(
          `INSERT INTO auth_group_permissions (group_id, permission_id) SELECT ${p(1)}, p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id WHERE ct.app_label = ${p(2)} AND p.codename = ${p(3)}`,
          [id, appLabel, codename],
        );
      }
    }
    for (const user of users) {
      const encoded = await makePassword(user.account.password, { hashers });
      await run(
        `INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES (${p(1)}, NULL, ${p(2)}, ${p(3)}, '', '', ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`,
        [encoded, bool(user.superuser), user.account.username, `${user.account.username}@example.com`, bool(user.staff), bool(true), now],
      );
      const { id } = (await tx.query(`SELECT id FROM auth_user WHERE username = ${p(1)}`, [user.account.username]))[0];
      for (const group of user.groups) await run(`INSERT INTO auth_user_groups (user_id, group_id) VALUES (${p(1)}, ${p(2)})`, [id, groupIds.get(group)]);
    }
  });
}

/** The shared Django database's demo users and groups. */
export function seedDjangoDemo(dataSource: DataSource, hashers: PasswordHashers): Promise<void> {
  return seed(
    dataSource,
    hashers,
    [
      { account: DEMO_ACCOUNTS.demo, staff: true, superuser: false, groups: ['editors', 'secret-agents'] },
      { account: DEMO_ACCOUNTS.reader, staff: false, superuser: false, groups: [] },
    ],
    { editors: ['notes.add_note', 'notes.delete_note'], 'secret-agents': [] },
  );
}

/** The app's local administrator (the recipe's admin exception). */
export function seedLocalAdmin(dataSource: DataSource, hashers: PasswordHashers): Promise<void> {
  return seed(dataSource, hashers, [{ account: DEMO_ACCOUNTS.admin, staff: true, superuser: true, groups: [] }], {});
}
