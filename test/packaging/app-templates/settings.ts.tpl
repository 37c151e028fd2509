import { dataSourceOptionsFromUrl, type DjangoVersion } from '@django-bridge/nest';
import type { DataSourceOptions } from 'typeorm';

// The Django site this app shares users with, from the environment the test gives it: its SQLite
// file, or DJANGO_DATABASE_URL (a mysql:// or postgres:// URL, to try the app's own driver).
export function settings(): { database: DataSourceOptions; secretKey: string; djangoVersion: DjangoVersion } {
  const url = process.env.DJANGO_DATABASE_URL;
  const file = process.env.DJANGO_SQLITE_FILE;
  const secretKey = process.env.DJANGO_SECRET_KEY;
  const djangoVersion = process.env.DJANGO_BRIDGE_VERSION as DjangoVersion | undefined;
  if (!(url || file) || !secretKey || !djangoVersion) throw new Error('DJANGO_SQLITE_FILE or DJANGO_DATABASE_URL, DJANGO_SECRET_KEY and DJANGO_BRIDGE_VERSION are required');
  const database: DataSourceOptions = url ? dataSourceOptionsFromUrl(url) : { type: 'better-sqlite3', database: file as string };
  return { database, secretKey, djangoVersion };
}
