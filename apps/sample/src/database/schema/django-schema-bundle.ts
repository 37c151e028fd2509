import type { DialectName } from '@django-bridge/nest';

/** The DDL Django's `migrate` runs on an empty database for contenttypes, auth and sessions. */
export interface DjangoSchemaDdl {
  /** The `django_migrations` table, as MigrationRecorder creates it. */
  recorderStatements: string[];
  /** Every migration's SQL in plan order (sqlmigrate's statements, without comments). */
  statements: string[];
}

/** The rows that `migrate` writes, identical on every database. */
export interface DjangoSchemaRows {
  /** [app, name] rows for `django_migrations`. */
  migrations: [string, string][];
  /** [app_label, model] rows post_migrate creates, in id order. */
  contentTypes: [string, string][];
  /** [app_label, model, codename, name] rows post_migrate creates, in id order. */
  permissions: [string, string, string, string][];
}

/** What one Django line's `migrate` creates, on each database the sample runs on. */
export interface DjangoLineSchema {
  /** The line, e.g. "5.2". */
  line: string;
  /** The exact Django release it was generated from, e.g. "5.2.18". */
  django: string;
  rows: DjangoSchemaRows;
  ddl: Record<DialectName, DjangoSchemaDdl>;
}
