"""Settings of the Django side of `npm run bench:django`: Django's auth and sessions on MariaDB,
as a production site would run them (DEBUG off, quiet logs, persistent database connections so
Django is not charged a MySQL connect per request while the Nest side keeps a pool).

  BENCH_DB_NAME / BENCH_DB_HOST / BENCH_DB_PORT   the bench database (root, no password)
  BENCH_SECRET_KEY                                SECRET_KEY, shared with the Nest sample
"""
import os

SECRET_KEY = os.environ['BENCH_SECRET_KEY']
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
]

MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
]

ROOT_URLCONF = 'bench_site.urls'
CSRF_FAILURE_VIEW = 'bench_site.views.csrf_failure'
TEMPLATES = []
WSGI_APPLICATION = 'bench_site.wsgi.application'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': os.environ['BENCH_DB_NAME'],
        'HOST': os.environ.get('BENCH_DB_HOST', '127.0.0.1'),
        'PORT': os.environ.get('BENCH_DB_PORT', '3306'),
        'USER': 'root',
        'PASSWORD': '',
        'CONN_MAX_AGE': 600,
        'OPTIONS': {'charset': 'utf8mb4', 'connect_timeout': 5},
    }
}
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

# Django's own default hasher list and work factor (3.2: PBKDF2-SHA256, 260,000 iterations).
AUTH_PASSWORD_VALIDATORS = []
SESSION_ENGINE = 'django.contrib.sessions.backends.db'
SESSION_SERIALIZER = 'django.contrib.sessions.serializers.JSONSerializer'

USE_I18N = False
USE_L10N = False
USE_TZ = True
TIME_ZONE = 'UTC'

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'stderr': {'class': 'logging.StreamHandler'}},
    'root': {'handlers': ['stderr'], 'level': 'ERROR'},
}
