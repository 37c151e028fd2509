import type { DjangoVersion } from '@django-bridge/nest';

// The Django site this app shares users with, from the environment the test gives it.
export function settings(): { database: string; secretKey: string; djangoVersion: DjangoVersion } {
  const database = process.env.DJANGO_SQLITE_FILE;
  const secretKey = process.env.DJANGO_SECRET_KEY;
  const djangoVersion = process.env.DJANGO_BRIDGE_VERSION as DjangoVersion | undefined;
  if (!database || !secretKey || !djangoVersion) throw new Error('DJANGO_SQLITE_FILE, DJANGO_SECRET_KEY and DJANGO_BRIDGE_VERSION are required');
  return { database, secretKey, djangoVersion };
}
