import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
// @ts-expect-error: a plain .mjs script without type declarations
import { djangoSchemaBundle, renderRowsModule, renderSchemaModule, SCHEMA_DIR } from '../../scripts/generate-django-schema.mjs';
import { ensureDjangoSchema } from '../../apps/sample/src/database/django-schema.js';
import { DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { randomEnvSecret } from '../support/random.js';

/**
 * The sample creates Django's schema on an empty database from committed bundles. Here a real
 * Django proves them: the bundles equal what Django generates today, Django's `migrate` finds
 * nothing of contenttypes/auth/sessions left to apply, the tables match a database Django migrated
 * itself, and Django logs users in on the result.
 */
describe.each<DjangoEngine>(['sqlite', 'mysql', 'postgres'])('Django schema bundle on %s', (engine) => {
  const secretKey = randomEnvSecret();
  let fresh: DjangoProject;
  let reference: DjangoProject;
  let dataSource: DataSource;

  beforeAll(async () => {
    fresh = DjangoProject.throwaway(engine, { secretKey });
    fresh.run('create_database');
    reference = DjangoProject.throwaway(engine, { secretKey });
    reference.migrate();
    dataSource = new DataSource({ ...fresh.connection(), synchronize: false, logging: false } as never);
    await dataSource.initialize();
  }, 120_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    fresh?.dropDatabase();
    reference?.dropDatabase();
  });

  it('the committed DDL and rows are what Django generates', () => {
    const bundle = djangoSchemaBundle(engine);
    expect(readFileSync(join(SCHEMA_DIR, `django-${engine}.schema.ts`), 'utf8')).toBe(renderSchemaModule(engine, bundle));
    expect(readFileSync(join(SCHEMA_DIR, 'django-rows.schema.ts'), 'utf8')).toBe(renderRowsModule(bundle));
  });

  it('creates the schema once; Django then applies nothing of auth, contenttypes or sessions', async () => {
    expect(await ensureDjangoSchema(dataSource)).toEqual({ created: true });
    expect(await ensureDjangoSchema(dataSource)).toEqual({ created: false });
    const output = fresh.migrate().output;
    expect(output).not.toMatch(/Applying (auth|contenttypes|sessions)\./);
    expect(output).toMatch(/Applying notes\.0001_initial/);
    for (const table of ['django_content_type', 'auth_permission', 'auth_group', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions', 'auth_group_permissions', 'django_session', 'django_migrations']) {
      expect({ table, columns: fresh.columns(table) }).toEqual({ table, columns: reference.columns(table) });
    }
    const rows = (p: DjangoProject) => p.sql('SELECT ct.app_label, ct.model, p.codename, p.name FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.id').rows;
    expect(rows(fresh)).toEqual(rows(reference));
  });

  it('Django works on it: users, permissions, login', () => {
    fresh.createUser({ username: 'alice', password: 'pw-alice-1', isSuperuser: true });
    expect(fresh.permissions('alice')).toContain('notes.add_note');
    expect(fresh.login('alice', 'pw-alice-1').status).toBe(200);
  });

  it('refuses a partial schema, naming what is missing', async () => {
    const partial = DjangoProject.throwaway(engine, { secretKey });
    partial.run('create_database');
    const ds = new DataSource({ ...partial.connection(), synchronize: false, logging: false } as never);
    await ds.initialize();
    try {
      await ds.query('CREATE TABLE auth_user (id integer PRIMARY KEY)');
      await expect(ensureDjangoSchema(ds)).rejects.toThrow(/partial Django schema \(missing django_migrations, .*django_session\)/);
    } finally {
      await ds.destroy();
      partial.dropDatabase();
    }
  });
});
