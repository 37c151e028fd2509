/** Injection token of the resolved options (inject with @InjectDjangoBridgeOptions()). */
export const DJANGO_BRIDGE_OPTIONS = Symbol.for('@django-bridge/nest:DJANGO_BRIDGE_OPTIONS');
/** Injection token of the raw options given to forRoot/forRootAsync. */
export const DJANGO_BRIDGE_RAW_OPTIONS = Symbol.for('@django-bridge/nest:DJANGO_BRIDGE_RAW_OPTIONS');
/** Injection token of the global enhancers the module installed (see `registerGlobals`). */
export const DJANGO_BRIDGE_GLOBALS = Symbol.for('@django-bridge/nest:DJANGO_BRIDGE_GLOBALS');

// Route metadata keys.
export const IS_PUBLIC_KEY = 'django-bridge:public';
export const OPTIONAL_AUTH_KEY = 'django-bridge:optional-auth';
export const REQUIRED_PERMISSIONS_KEY = 'django-bridge:permissions';
export const REQUIRED_GROUPS_KEY = 'django-bridge:groups';
export const STAFF_ONLY_KEY = 'django-bridge:staff-only';
export const SUPERUSER_ONLY_KEY = 'django-bridge:superuser-only';
/** The credentials a route accepts, by name (@AuthenticateWith). */
export const AUTHENTICATE_WITH_KEY = 'django-bridge:authenticate-with';
/** The handler reads the session, so the session interceptor loads it before the handler runs. */
export const LOADS_SESSION_KEY = 'django-bridge:loads-session';

/** Django's session keys for the logged-in user. */
export const SESSION_KEY = '_auth_user_id';
export const BACKEND_SESSION_KEY = '_auth_user_backend';
export const HASH_SESSION_KEY = '_auth_user_hash';
