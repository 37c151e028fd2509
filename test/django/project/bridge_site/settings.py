"""Settings for the bridge test project. Everything comes from the environment so that a test can
point one copy of the project at SQLite, MariaDB/MySQL or PostgreSQL with any secret, cookie name,
session serializer or hasher list.

  DJANGO_DB_ENGINE            sqlite (default) | mysql | postgres
  DJANGO_DB_NAME              SQLite file path, or the database name
  DJANGO_DB_HOST/PORT/USER/PASSWORD
  DJANGO_SECRET_KEY
  DJANGO_SECRET_KEY_FALLBACKS comma-separated (Django >= 4.1 only; 3.2 ignores it)
  DJANGO_USE_TZ               true (default) | false
  DJANGO_TIME_ZONE            UTC (default)
  DJANGO_SESSION_COOKIE_NAME  sessionid (default)
  DJANGO_SESSION_SERIALIZER   json (default) | php (django-php-bridge db backend) | pickle
  DJANGO_HASHERS              comma-separated PASSWORD_HASHERS (default: Django 3.2's list)
"""
import os
import sys
from pathlib import Path

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
DEBUG = False
ALLOWED_HOSTS = ['*']

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'notes',
]

MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
]

ROOT_URLCONF = 'bridge_site.urls'
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

# Django 3.2's default list unless DJANGO_HASHERS says otherwise.
PASSWORD_HASHERS = env_list('DJANGO_HASHERS') or [
    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
    'django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher',
    'django.contrib.auth.hashers.Argon2PasswordHasher',
    'django.contrib.auth.hashers.BCryptSHA256PasswordHasher',
]
AUTH_PASSWORD_VALIDATORS = []

SESSION_COOKIE_NAME = env('DJANGO_SESSION_COOKIE_NAME', 'sessionid')
_SERIALIZER = env('DJANGO_SESSION_SERIALIZER', 'json')
if _SERIALIZER == 'json':
    SESSION_ENGINE = 'django.contrib.sessions.backends.db'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.JSONSerializer'
elif _SERIALIZER == 'php':
    # django-php-bridge's db backend, fixed for Python 3: session_data is php_serialize text, unsigned.
    SESSION_ENGINE = 'django_bridge_php.session'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.JSONSerializer'  # unused by that engine
elif _SERIALIZER == 'pickle':
    SESSION_ENGINE = 'django.contrib.sessions.backends.db'
    SESSION_SERIALIZER = 'django.contrib.sessions.serializers.PickleSerializer'
else:
    raise ValueError('DJANGO_SESSION_SERIALIZER must be json, php or pickle, not %r' % _SERIALIZER)

LANGUAGE_CODE = 'en-us'
TIME_ZONE = env('DJANGO_TIME_ZONE', 'UTC')
USE_I18N = False
USE_L10N = False
USE_TZ = env_bool('DJANGO_USE_TZ', True)

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'stderr': {'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['stderr'], 'level': 'WARNING'},
}
