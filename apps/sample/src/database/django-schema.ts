import type { DjangoVersion } from '@django-bridge/core';
import { dialectOf, toDatabaseDateTime } from '@django-bridge/nest';
import type { DataSource, QueryRunner } from 'typeorm';
import { DJANGO_LINE_SCHEMAS } from './schema/django-line-schemas.js';

/** The tables Django's contenttypes, auth and sessions apps own (plus the migration recorder's). */
export const DJANGO_TABLES = ['django_migrations', 'django_content_type', 'auth_permission', 'auth_group', 'auth_group_permissions', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions', 'django_session'];

async function existingTables(runner: QueryRunner): Promise<Set<string>> {
  const found = new Set<string>();
  for (const table of DJANGO_TABLES) if (await runner.hasTable(table)) found.add(table);
  return found;
}

/**
 * Gives an empty database Django's schema for contenttypes, auth and sessions, and the tables of
 * DRF's authtoken and SimpleJWT's token_blacklist beside them, exactly as the given line's
 * `migrate` would with those apps installed (same DDL, migration rows, content types and
 * permissions), so that Django later finds its migrations applied. A Django database without the
 * two token apps keeps working for sessions; token and JWT requests there answer 503 until the
 * site installs them. A database that has the tables is left alone; one with
 * only some of them is refused, since guessing which migrations ran could corrupt it; so is an
 * empty one for a line whose schema the sample does not bundle.
 */
export async function ensureDjangoSchema(dataSource: DataSource, options: { djangoVersion: DjangoVersion; now?: Date }): Promise<{ created: boolean }> {
  const dialect = dialectOf(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    const present = await existingTables(runner);
    if (present.size === DJANGO_TABLES.length) return { created: false };
    if (present.size > 0) {
      const missing = DJANGO_TABLES.filter((t) => !present.has(t));
      throw new Error(`the database holds a partial Django schema (missing ${missing.join(', ')}); run Django's "manage.py migrate" on it`);
    }
    const schema = DJANGO_LINE_SCHEMAS[options.djangoVersion];
    if (!schema) {
      const bundled = Object.keys(DJANGO_LINE_SCHEMAS).join(', ');
      throw new Error(`the database has no Django schema, and the sample bundles one only for Django ${bundled}; run Django ${options.djangoVersion}'s "manage.py migrate" on it first`);
    }
    const { ddl: { [dialect]: ddl }, rows } = schema;
    const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
    const applied = toDatabaseDateTime(dialect, options.now ?? new Date(), { useTz: true, timeZone: 'UTC' });
    // MySQL commits DDL implicitly; SQLite and PostgreSQL get it all or nothing.
    const transactional = dialect !== 'mysql';
    if (transactional) await runner.startTransaction();
    try {
      for (const sql of [...ddl.recorderStatements, ...ddl.statements]) await runner.query(sql);
      for (const [app, name] of rows.migrations) await runner.query(`INSERT INTO django_migrations (app, name, applied) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [app, name, applied]);
      for (const [appLabel, model] of rows.contentTypes) await runner.query(`INSERT INTO django_content_type (app_label, model) VALUES (${p(1)}, ${p(2)})`, [appLabel, model]);
      for (const [appLabel, model, codename, name] of rows.permissions) {
        await runner.query(
          `INSERT INTO auth_permission (name, content_type_id, codename) SELECT ${p(1)}, ct.id, ${p(2)} FROM django_content_type ct WHERE ct.app_label = ${p(3)} AND ct.model = ${p(4)}`,
          [name, codename, appLabel, model],
        );
      }
      if (transactional) await runner.commitTransaction();
    } catch (err) {
      if (transactional) await runner.rollbackTransaction();
      throw err;
    }
    return { created: true };
  } finally {
    await runner.release();
  }
}
