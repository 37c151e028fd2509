import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
// @ts-expect-error: a plain .mjs script without type declarations
import { djangoLineSchema, renderSchemaModules, schemaFile } from '../../scripts/generate-django-schema.mjs';
import { ensureDjangoSchema } from '../../apps/sample/src/database/django-schema.js';
import { DJANGO_LINE_SCHEMAS } from '../../apps/sample/src/database/schema/django-line-schemas.js';
import { DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { DJANGO_LINES } from '../django/django-line.js';
import { randomEnvSecret } from '../support/random.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];
const TOKEN_TABLES = ['authtoken_token', 'token_blacklist_outstandingtoken', 'token_blacklist_blacklistedtoken'];
const sortByName = <T>(columns: T[]): T[] => [...columns].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const TABLES = ['django_content_type', 'auth_permission', 'auth_group', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions', 'auth_group_permissions', 'django_session', 'django_migrations', 'authtoken_token', 'token_blacklist_outstandingtoken', 'token_blacklist_blacklistedtoken'];

/**
 * The sample creates Django's schema on an empty database from a committed bundle per Django line.
 * Each line's real Django proves its bundle, on each database: the bundle is what that line's
 * `migrate` generates today, its `migrate` then finds nothing of contenttypes/auth/sessions (nor of
 * DRF's authtoken and SimpleJWT's token_blacklist) left to
 * apply, the tables match a database it migrated itself, and it logs users in on the result.
 */
it("the committed modules are what each line's migrate generates on every database", () => {
  const schemas = DJANGO_LINES.map((line) => djangoLineSchema(line));
  const modules = renderSchemaModules(schemas);
  DJANGO_LINES.forEach((line, i) => {
    expect({ line, module: readFileSync(schemaFile(line), 'utf8') }).toEqual({ line, module: modules[i] });
    expect(DJANGO_LINE_SCHEMAS[line]).toMatchObject({ line, django: schemas[i].django, rows: schemas[i].rows, ddl: schemas[i].ddl });
  });
}, 300_000);

describe.each(DJANGO_LINES)('Django %s schema bundle', (line) => {
  describe.each(ENGINES)('on %s', (engine) => {
    const secretKey = randomEnvSecret();
    let fresh: DjangoProject;
    let reference: DjangoProject;
    let dataSource: DataSource;

    beforeAll(async () => {
      fresh = DjangoProject.throwaway(engine, { secretKey, line });
      fresh.run('create_database');
      reference = DjangoProject.throwaway(engine, { secretKey, line });
      reference.migrate();
      dataSource = new DataSource({ ...fresh.connection(), synchronize: false, logging: false } as never);
      await dataSource.initialize();
    }, 180_000);

    afterAll(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      fresh?.dropDatabase();
      reference?.dropDatabase();
    });

    it("creates this line's schema once; this line's migrate then applies nothing of auth, contenttypes or sessions", async () => {
      expect(await ensureDjangoSchema(dataSource, { djangoVersion: line })).toEqual({ created: true });
      expect(await ensureDjangoSchema(dataSource, { djangoVersion: line })).toEqual({ created: false });
      const output = fresh.migrate().output;
      expect(output).not.toMatch(/Applying (auth|contenttypes|sessions|authtoken|token_blacklist)\./);
      expect(output).toMatch(/Applying notes\.0001_initial/);
      // The token apps' tables are made in their final form, so their columns may come in another order.
      const columns = (p: DjangoProject, table: string) => (TOKEN_TABLES.includes(table) ? sortByName(p.columns(table)) : p.columns(table));
      for (const table of TABLES) expect({ table, columns: columns(fresh, table) }).toEqual({ table, columns: columns(reference, table) });
      const rows = (p: DjangoProject) => p.sql('SELECT ct.app_label, ct.model, p.codename, p.name FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.id').rows;
      expect(rows(fresh)).toEqual(rows(reference));
    });

    it('Django works on it: users, permissions, login', () => {
      fresh.createUser({ username: 'alice', password: 'pw-alice-1', isSuperuser: true });
      expect(fresh.permissions('alice')).toContain('notes.add_note');
      expect(fresh.login('alice', 'pw-alice-1').status).toBe(200);
    });
  });
});

describe.each(ENGINES)('ensureDjangoSchema refusals on %s', (engine) => {
  const secretKey = randomEnvSecret();

  async function withEmptyDatabase(body: (ds: DataSource) => Promise<void>): Promise<void> {
    const empty = DjangoProject.throwaway(engine, { secretKey });
    empty.run('create_database');
    const ds = new DataSource({ ...empty.connection(), synchronize: false, logging: false } as never);
    await ds.initialize();
    try {
      await body(ds);
    } finally {
      await ds.destroy();
      empty.dropDatabase();
    }
  }

  it('refuses a partial schema, naming what is missing', async () => {
    await withEmptyDatabase(async (ds) => {
      await ds.query('CREATE TABLE auth_user (id integer PRIMARY KEY)');
      await expect(ensureDjangoSchema(ds, { djangoVersion: '5.2' })).rejects.toThrow(/partial Django schema \(missing django_migrations, .*django_session\)/);
    });
  });

  it('refuses to guess the schema of a line it does not bundle, and leaves the database empty', async () => {
    await withEmptyDatabase(async (ds) => {
      await expect(ensureDjangoSchema(ds, { djangoVersion: '6.0' })).rejects.toThrow(/bundles one only for Django 3\.2, 4\.2, 5\.2, 6\.1; run Django 6\.0's "manage\.py migrate"/);
      expect(await ds.createQueryRunner().hasTable('auth_user')).toBe(false);
    });
  });
});
