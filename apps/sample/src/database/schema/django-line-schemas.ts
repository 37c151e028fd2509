import type { DjangoVersion } from '@django-bridge/core';
import { DJANGO_3_2_SCHEMA } from './django-3.2.schema.js';
import { DJANGO_4_2_SCHEMA } from './django-4.2.schema.js';
import { DJANGO_5_2_SCHEMA } from './django-5.2.schema.js';
import { DJANGO_6_1_SCHEMA } from './django-6.1.schema.js';
import type { DjangoLineSchema } from './django-schema-bundle.js';

/**
 * The schema of each Django line the test suite runs live (each checked against that line's real
 * `migrate`). Other lines have none: the sample does not guess their DDL.
 */
export const DJANGO_LINE_SCHEMAS: Partial<Record<DjangoVersion, DjangoLineSchema>> = {
  '3.2': DJANGO_3_2_SCHEMA,
  '4.2': DJANGO_4_2_SCHEMA,
  '5.2': DJANGO_5_2_SCHEMA,
  '6.1': DJANGO_6_1_SCHEMA,
};
