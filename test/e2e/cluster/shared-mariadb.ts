import { djangoCalls as c, DjangoProject } from '../../django/django-project.js';
import { randomEnvSecret } from '../../support/random.js';
import { BRIDGE_VERSION } from '../support/django-line.js';

export const PASSWORD = 'correct horse battery staple';

export interface SharedDatabases {
  /** The sample's settings for these databases (no PORT, no WEB_CONCURRENCY). */
  env: Record<string, string>;
  /** The real Django on the Django database. */
  django: DjangoProject;
  drop(): void;
}

/**
 * Two fresh MariaDB databases every process of a cluster shares: Django's, migrated by Django
 * (with `agent`, staff in `editors`, and `plain`), and the app's, left empty so that the first
 * process creates its tables.
 */
export function sharedMariaDb(): SharedDatabases {
  const secretKey = randomEnvSecret();
  const django = DjangoProject.throwaway('mysql', { secretKey });
  const app = DjangoProject.throwaway('mysql', { secretKey });
  const drop = () => {
    django.dropDatabase();
    app.dropDatabase();
  };
  try {
    django.migrate();
    app.run('create_database');
    django.batch([
      c.createGroup('editors', ['notes.add_note', 'notes.delete_note']),
      c.createUser({ username: 'agent', password: PASSWORD, email: 'agent@example.com', isStaff: true, groups: ['editors'] }),
      c.createUser({ username: 'plain', password: PASSWORD }),
    ]);
  } catch (err) {
    drop();
    throw err;
  }
  return {
    env: {
      DJANGO_DATABASE_URL: `mysql://root@127.0.0.1:3306/${django.env.name}`,
      APP_DATABASE_URL: `mysql://root@127.0.0.1:3306/${app.env.name}`,
      DJANGO_SECRET_KEY: secretKey,
      DJANGO_VERSION: BRIDGE_VERSION,
      SAMPLE_WORKER_HEADER: 'true',
    },
    django,
    drop,
  };
}
