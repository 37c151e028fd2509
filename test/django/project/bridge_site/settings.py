"""Settings for the bridge test project. Everything comes from the environment so that a test can
point one copy of the project at SQLite, MariaDB/MySQL or PostgreSQL with any secret, cookie name,
session serializer or hasher list.

  DJANGO_DB_ENGINE            sqlite (default) | mysql | postgres
  DJANGO_DB_NAME              SQLite file path, or the database name
  DJANGO_DB_HOST/PORT/USER/PASSWORD
  DJANGO_SECRET_KEY
  DJANGO_SECRET_KEY_FALLBACKS comma-separated (Django >= 4.1 only; refused on older lines)
  DJANGO_USE_TZ               true (default) | false
  DJANGO_TIME_ZONE            UTC (default)
  DJANGO_SESSION_COOKIE_NAME  sessionid (default)
  DJANGO_SESSION_SERIALIZER   json (default) | php (django-php-bridge db backend) | pickle
  DJANGO_HASHERS              comma-separated PASSWORD_HASHERS (default: the running Django's own list,
                              django.conf.global_settings.PASSWORD_HASHERS)
  DJANGO_DEFAULT_HASHING_ALGORITHM  sha1 | sha256 (Django 3.1/3.2's transitional setting; refused on 4.0+)
  DJANGO_CSRF_TRUSTED_ORIGINS comma-separated CSRF_TRUSTED_ORIGINS (default: none)
  DJANGO_SESSION_ENGINE       db (default) | cache | cached_db | signed_cookies (the last part of
                              django.contrib.sessions.backends.*; php and cache engines do not mix)
  DJANGO_SESSION_COOKIE_AGE   SESSION_COOKIE_AGE in seconds (default 1209600)
  DJANGO_CACHE_BACKEND        BACKEND of CACHES['default'] (SESSION_CACHE_ALIAS), one of
                              django.core.cache.backends.redis.RedisCache (Django 4.0+; refused on 3.2),
                              django_redis.cache.RedisCache, django.core.cache.backends.memcached.PyMemcacheCache.
                              Required by the cache and cached_db engines: every bridge_cli call is its own
                              process, so Django's default local-memory cache would forget every session.
  DJANGO_CACHE_LOCATION       LOCATION (redis://host:port/db, or host:port for Memcached; comma-separated
                              for several servers)
  DJANGO_CACHE_KEY_PREFIX     KEY_PREFIX (default "")
  DJANGO_CACHE_VERSION        VERSION (default 1)
  DJANGO_REDIS_SERIALIZER     pickle (default) | json | msgpack: django-redis's OPTIONS SERIALIZER
  DJANGO_REDIS_COMPRESSOR     none (default) | zlib: django-redis's OPTIONS COMPRESSOR
  Every cache gets 2-second connect and socket timeouts, so a dead cache fails a call instead of hanging it.
  DJANGO_PASSWORD_RESET_TIMEOUT  PASSWORD_RESET_TIMEOUT in seconds (default Django's, 259200)

Django REST framework (rest_framework, rest_framework.authtoken) and SimpleJWT with its blacklist app
are installed on every line (Debian's python3-djangorestframework and -simplejwt of the line's suite).
SIMPLE_JWT comes from these (unset: SimpleJWT's own default):
  DJANGO_JWT_ALGORITHM         HS256 | HS384 | HS512 | RS256 ... | ES256 ...
  DJANGO_JWT_SIGNING_KEY       default SECRET_KEY; PEM text for RS/ES
  DJANGO_JWT_VERIFYING_KEY     PEM public key for RS/ES
  DJANGO_JWT_AUDIENCE, DJANGO_JWT_ISSUER
  DJANGO_JWT_LEEWAY            seconds
  DJANGO_JWT_ACCESS_LIFETIME, DJANGO_JWT_REFRESH_LIFETIME   seconds
  DJANGO_JWT_ROTATE_REFRESH_TOKENS, DJANGO_JWT_BLACKLIST_AFTER_ROTATION, DJANGO_JWT_UPDATE_LAST_LOGIN  true | false
  DJANGO_JWT_USER_ID_FIELD, DJANGO_JWT_USER_ID_CLAIM
  DJANGO_JWT_AUTH_HEADER_TYPES comma-separated (default Bearer)
  DJANGO_JWT_TOKEN_TYPE_CLAIM, DJANGO_JWT_JTI_CLAIM
  DJANGO_JWT_CHECK_REVOKE_TOKEN true | false, DJANGO_JWT_REVOKE_TOKEN_CLAIM  (SimpleJWT 5.3+; refused on 3.2's 5.2.2)

The same project runs on every Django line the suite installs (3.2, 4.2, 5.2, 6.1). What a line
lacks is not silently dropped: it is listed in BRIDGE_REFUSED, and bridge_cli.py refuses to run a
command with a clear error naming the setting and the Django version that removed it.
"""
import os
import sys
from pathlib import Path

import django
from django.conf import global_settings

DJANGO_VERSION = django.VERSION[:2]
# Settings asked for by the environment that this Django line does not have (see bridge_cli.py).
BRIDGE_REFUSED = []

BASE_DIR = Path(__file__).resolve().parent.parent
# contrib/django: the PHP bridge's session engine, tested as shipped.
sys.path.insert(0, str(BASE_DIR.parent.parent.parent / 'contrib' / 'django'))


def env(name, default=None):
    value = os.environ.get(name)
    return default if value is None or value == '' else value


def env_bool(name, default):
    value = env(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ('1', 'true', 'yes', 'on'):
        return True
    if lowered in ('0', 'false', 'no', 'off'):
        return False
    raise ValueError('%s must be true or false, not %r' % (name, value))


def env_list(name):
    value = env(name)
    return [item.strip() for item in value.split(',') if item.strip()] if value else []


SECRET_KEY = env('DJANGO_SECRET_KEY', 'bridge-test-project-insecure-secret-key')
SECRET_KEY_FALLBACKS = env_list('DJANGO_SECRET_KEY_FALLBACKS')
if SECRET_KEY_FALLBACKS and DJANGO_VERSION < (4, 1):
    BRIDGE_REFUSED.append('DJANGO_SECRET_KEY_FALLBACKS: SECRET_KEY_FALLBACKS exists from Django 4.1 on')
if env('DJANGO_DEFAULT_HASHING_ALGORITHM') is not None:
    if DJANGO_VERSION >= (4, 0):
        BRIDGE_REFUSED.append('DJANGO_DEFAULT_HASHING_ALGORITHM: Django 4.0 removed the DEFAULT_HASHING_ALGORITHM setting')
    else:
        DEFAULT_HASHING_ALGORITHM = env('DJANGO_DEFAULT_HASHING_ALGORITHM')
DEBUG = False
ALLOWED_HOSTS = ['*']

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'notes',
    'rest_framework',
    'rest_framework.authtoken',
    'rest_framework_simplejwt.token_blacklist',
]

MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
]

ROOT_URLCONF = 'bridge_site.urls'
CSRF_FAILURE_VIEW = 'bridge_site.views.csrf_failure'
CSRF_TRUSTED_ORIGINS = env_list('DJANGO_CSRF_TRUSTED_ORIGINS')
TEMPLATES = []
WSGI_APPLICATION = None

ENGINE = env('DJANGO_DB_ENGINE', 'sqlite')
if ENGINE == 'sqlite':
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': env('DJANGO_DB_NAME', str(BASE_DIR / 'db.sqlite3')),
        }
    }
elif ENGINE == 'mysql':
    try:
        import MySQLdb  # noqa: F401 - mysqlclient (python3-mysqldb) where the line accepts it
    except ImportError:
        # Django 6.1's root has no mysqlclient it accepts (trixie's 1.4.6 is refused: "mysqlclient
        # 2.2.1 or newer is required"); PyMySQL stands in, announcing the version Django checks.
        import pymysql

        pymysql.version_info = (2, 2, 1, 'final', 0)
        pymysql.install_as_MySQLdb()
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.mysql',
            'NAME': env('DJANGO_DB_NAME', 'django_bridge'),
            'HOST': env('DJANGO_DB_HOST', '127.0.0.1'),
            'PORT': env('DJANGO_DB_PORT', '3306'),
            'USER': env('DJANGO_DB_USER', 'root'),
            'PASSWORD': env('DJANGO_DB_PASSWORD', ''),
            'OPTIONS': {'charset': 'utf8mb4'},
        }
    }
elif ENGINE in ('postgres', 'postgresql'):
    DATABASES = {
        'default': {
            'ENGINE': 'django.db.backends.postgresql',
            'NAME': env('DJANGO_DB_NAME', 'django_bridge'),
            'HOST': env('DJANGO_DB_HOST', '127.0.0.1'),
            'PORT': env('DJANGO_DB_PORT', '5432'),
            'USER': env('DJANGO_DB_USER', 'postgres'),
            'PASSWORD': env('DJANGO_DB_PASSWORD', ''),
        }
    }
else:
    raise ValueError('DJANGO_DB_ENGINE must be sqlite, mysql or postgres, not %r' % ENGINE)

DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

# The running Django's own default list unless DJANGO_HASHERS says otherwise (3.2: pbkdf2_sha256,
# pbkdf2_sha1, argon2, bcrypt_sha256; 4.0+ adds scrypt).
PASSWORD_HASHERS = env_list('DJANGO_HASHERS') or list(global_settings.PASSWORD_HASHERS)
_REMOVED_HASHERS = {
    # crypt: deprecated in 4.1, removed in 5.0. sha1, unsalted_sha1, unsalted_md5: deprecated in
    # 4.2, removed in 5.1. md5 (salted) remains.
    'django.contrib.auth.hashers.CryptPasswordHasher': (5, 0),
    'django.contrib.auth.hashers.SHA1PasswordHasher': (5, 1),
    'django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher': (5, 1),
    'django.contrib.auth.hashers.UnsaltedMD5PasswordHasher': (5, 1),
}
for _hasher in PASSWORD_HASHERS:
    if _hasher in _REMOVED_HASHERS and DJANGO_VERSION >= _REMOVED_HASHERS[_hasher]:
        BRIDGE_REFUSED.append('DJANGO_HASHERS: Django %d.%d removed %s' % (_REMOVED_HASHERS[_hasher] + (_hasher,)))
AUTH_PASSWORD_VALIDATORS = []

SESSION_COOKIE_NAME = env('DJANGO_SESSION_COOKIE_NAME', 'sessionid')
_SERIALIZER = env('DJANGO_SESSION_SERIALIZER', 'json')
if _SERIALIZER == 'json':
    SESSION_ENGINE = 'django.contrib.sessions.backends.db'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.JSONSerializer'
elif _SERIALIZER == 'php':
    # django-php-bridge's db backend, fixed for Python 3: session_data is php_serialize text, unsigned.
    import importlib.util

    if importlib.util.find_spec('phpserialize') is None:
        # Debian 12's python3-phpserialize serves 3.2/4.2/5.2; Django 6.1's trixie root has none.
        BRIDGE_REFUSED.append(
            'DJANGO_SESSION_SERIALIZER=php: the phpserialize module is not installed for this Python (%s)' % sys.executable
        )
    SESSION_ENGINE = 'django_bridge_php.session'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.JSONSerializer'  # unused by that engine
elif _SERIALIZER == 'pickle':
    if DJANGO_VERSION >= (5, 0):
        BRIDGE_REFUSED.append('DJANGO_SESSION_SERIALIZER=pickle: Django 5.0 removed PickleSerializer')
    SESSION_ENGINE = 'django.contrib.sessions.backends.db'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.PickleSerializer'
else:
    raise ValueError('DJANGO_SESSION_SERIALIZER must be json, php or pickle, not %r' % _SERIALIZER)

_SESSION_ENGINE = env('DJANGO_SESSION_ENGINE')
if _SESSION_ENGINE is not None:
    if _SESSION_ENGINE not in ('db', 'cache', 'cached_db', 'signed_cookies'):
        raise ValueError('DJANGO_SESSION_ENGINE must be db, cache, cached_db or signed_cookies, not %r' % _SESSION_ENGINE)
    if _SERIALIZER == 'php' and _SESSION_ENGINE != 'db':
        raise ValueError('DJANGO_SESSION_SERIALIZER=php is its own db engine; it cannot run with DJANGO_SESSION_ENGINE=%s' % _SESSION_ENGINE)
    if _SERIALIZER != 'php':
        SESSION_ENGINE = 'django.contrib.sessions.backends.' + _SESSION_ENGINE
SESSION_COOKIE_AGE = int(env('DJANGO_SESSION_COOKIE_AGE', str(global_settings.SESSION_COOKIE_AGE)))

_CACHE_BACKEND = env('DJANGO_CACHE_BACKEND')
_REDIS_SERIALIZERS = {
    'pickle': 'django_redis.serializers.pickle.PickleSerializer',
    'json': 'django_redis.serializers.json.JSONSerializer',
    'msgpack': 'django_redis.serializers.msgpack.MSGPackSerializer',
}
_REDIS_COMPRESSORS = {
    'none': 'django_redis.compressors.identity.IdentityCompressor',
    'zlib': 'django_redis.compressors.zlib.ZlibCompressor',
}
if _CACHE_BACKEND is None:
    if _SESSION_ENGINE in ('cache', 'cached_db'):
        raise ValueError('DJANGO_SESSION_ENGINE=%s needs DJANGO_CACHE_BACKEND (a local-memory cache dies with each call)' % _SESSION_ENGINE)
    for _name in ('DJANGO_CACHE_LOCATION', 'DJANGO_CACHE_KEY_PREFIX', 'DJANGO_CACHE_VERSION', 'DJANGO_REDIS_SERIALIZER', 'DJANGO_REDIS_COMPRESSOR'):
        if env(_name) is not None:
            raise ValueError('%s needs DJANGO_CACHE_BACKEND' % _name)
else:
    _location = env('DJANGO_CACHE_LOCATION')
    if _location is None:
        raise ValueError('DJANGO_CACHE_BACKEND needs DJANGO_CACHE_LOCATION')
    _locations = [item.strip() for item in _location.split(',') if item.strip()]
    _cache = {
        'BACKEND': _CACHE_BACKEND,
        'LOCATION': _locations[0] if len(_locations) == 1 else _locations,
        'KEY_PREFIX': env('DJANGO_CACHE_KEY_PREFIX', ''),
        'VERSION': int(env('DJANGO_CACHE_VERSION', '1')),
    }
    _is_django_redis = _CACHE_BACKEND == 'django_redis.cache.RedisCache'
    for _name in ('DJANGO_REDIS_SERIALIZER', 'DJANGO_REDIS_COMPRESSOR'):
        if env(_name) is not None and not _is_django_redis:
            raise ValueError('%s applies to django_redis.cache.RedisCache only, not %s' % (_name, _CACHE_BACKEND))
    if _CACHE_BACKEND == 'django.core.cache.backends.redis.RedisCache':
        if DJANGO_VERSION < (4, 0):
            BRIDGE_REFUSED.append('DJANGO_CACHE_BACKEND: django.core.cache.backends.redis.RedisCache exists from Django 4.0 on')
        # Handed to redis-py's connection pool.
        _cache['OPTIONS'] = {'socket_connect_timeout': 2, 'socket_timeout': 2}
    elif _is_django_redis:
        _serializer = env('DJANGO_REDIS_SERIALIZER', 'pickle')
        _compressor = env('DJANGO_REDIS_COMPRESSOR', 'none')
        if _serializer not in _REDIS_SERIALIZERS:
            raise ValueError('DJANGO_REDIS_SERIALIZER must be pickle, json or msgpack, not %r' % _serializer)
        if _compressor not in _REDIS_COMPRESSORS:
            raise ValueError('DJANGO_REDIS_COMPRESSOR must be none or zlib, not %r' % _compressor)
        _cache['OPTIONS'] = {
            'CLIENT_CLASS': 'django_redis.client.DefaultClient',
            'SERIALIZER': _REDIS_SERIALIZERS[_serializer],
            'COMPRESSOR': _REDIS_COMPRESSORS[_compressor],
            'SOCKET_CONNECT_TIMEOUT': 2,
            'SOCKET_TIMEOUT': 2,
        }
    elif _CACHE_BACKEND == 'django.core.cache.backends.memcached.PyMemcacheCache':
        if DJANGO_VERSION < (3, 2):
            BRIDGE_REFUSED.append('DJANGO_CACHE_BACKEND: PyMemcacheCache exists from Django 3.2 on')
        # Handed to pymemcache's HashClient.
        _cache['OPTIONS'] = {'connect_timeout': 2, 'timeout': 2}
    else:
        raise ValueError(
            'DJANGO_CACHE_BACKEND must be django.core.cache.backends.redis.RedisCache, django_redis.cache.RedisCache '
            'or django.core.cache.backends.memcached.PyMemcacheCache, not %r' % _CACHE_BACKEND
        )
    CACHES = {'default': _cache}

if env('DJANGO_PASSWORD_RESET_TIMEOUT') is not None:
    PASSWORD_RESET_TIMEOUT = int(env('DJANGO_PASSWORD_RESET_TIMEOUT'))

# DRF answers JSON only: the project has no templates for the browsable API.
REST_FRAMEWORK = {'DEFAULT_RENDERER_CLASSES': ['rest_framework.renderers.JSONRenderer']}

SIMPLE_JWT = {}
for _name, _setting, _kind in (
    ('ALGORITHM', 'ALGORITHM', str),
    ('SIGNING_KEY', 'SIGNING_KEY', str),
    ('VERIFYING_KEY', 'VERIFYING_KEY', str),
    ('AUDIENCE', 'AUDIENCE', str),
    ('ISSUER', 'ISSUER', str),
    ('LEEWAY', 'LEEWAY', int),
    ('ACCESS_LIFETIME', 'ACCESS_TOKEN_LIFETIME', 'seconds'),
    ('REFRESH_LIFETIME', 'REFRESH_TOKEN_LIFETIME', 'seconds'),
    ('ROTATE_REFRESH_TOKENS', 'ROTATE_REFRESH_TOKENS', bool),
    ('BLACKLIST_AFTER_ROTATION', 'BLACKLIST_AFTER_ROTATION', bool),
    ('UPDATE_LAST_LOGIN', 'UPDATE_LAST_LOGIN', bool),
    ('USER_ID_FIELD', 'USER_ID_FIELD', str),
    ('USER_ID_CLAIM', 'USER_ID_CLAIM', str),
    ('AUTH_HEADER_TYPES', 'AUTH_HEADER_TYPES', list),
    ('TOKEN_TYPE_CLAIM', 'TOKEN_TYPE_CLAIM', str),
    ('JTI_CLAIM', 'JTI_CLAIM', str),
    ('CHECK_REVOKE_TOKEN', 'CHECK_REVOKE_TOKEN', bool),
    ('REVOKE_TOKEN_CLAIM', 'REVOKE_TOKEN_CLAIM', str),
):
    _var = 'DJANGO_JWT_' + _name
    if env(_var) is None:
        continue
    if _kind is bool:
        SIMPLE_JWT[_setting] = env_bool(_var, False)
    elif _kind is int:
        SIMPLE_JWT[_setting] = int(env(_var))
    elif _kind == 'seconds':
        from datetime import timedelta

        SIMPLE_JWT[_setting] = timedelta(seconds=int(env(_var)))
    elif _kind is list:
        SIMPLE_JWT[_setting] = tuple(env_list(_var))
    else:
        SIMPLE_JWT[_setting] = env(_var)
if 'CHECK_REVOKE_TOKEN' in SIMPLE_JWT or 'REVOKE_TOKEN_CLAIM' in SIMPLE_JWT:
    from importlib.metadata import version as _dist_version

    # Revocation on password change came in SimpleJWT 5.3; 3.2's Debian package is 5.2.2.
    _simplejwt = _dist_version('djangorestframework-simplejwt')
    if tuple(int(part) for part in _simplejwt.split('.')[:2]) < (5, 3):
        BRIDGE_REFUSED.append('DJANGO_JWT_CHECK_REVOKE_TOKEN: SimpleJWT %s has no CHECK_REVOKE_TOKEN (5.3+)' % _simplejwt)

LANGUAGE_CODE = 'en-us'
TIME_ZONE = env('DJANGO_TIME_ZONE', 'UTC')
USE_I18N = False
if DJANGO_VERSION < (4, 0):
    # Deprecated in 4.0 (a warning when set), removed in 5.0; nothing here formats numbers or dates.
    USE_L10N = False
USE_TZ = env_bool('DJANGO_USE_TZ', True)

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'stderr': {'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['stderr'], 'level': 'WARNING'},
}
