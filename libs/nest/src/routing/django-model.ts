/**
 * A Django model as a database router sees it: `model._meta.app_label` and `model._meta.model_name`.
 * Routers decide by these, so the same router code routes Django's and the bridge's queries alike.
 */
export interface DjangoModelRef {
  appLabel: string;
  modelName: string;
}

/** The models whose tables the bridge reads and writes. */
export const DJANGO_MODELS = {
  session: { appLabel: 'sessions', modelName: 'session' },
  user: { appLabel: 'auth', modelName: 'user' },
  group: { appLabel: 'auth', modelName: 'group' },
  permission: { appLabel: 'auth', modelName: 'permission' },
  contentType: { appLabel: 'contenttypes', modelName: 'contenttype' },
} as const satisfies Record<string, DjangoModelRef>;
