"""Drives the bridge test project for the TypeScript integration tests.

Reads ONE JSON request {"command": name, ...} on stdin and writes ONE JSON document on stdout:
{"ok": result} on success; on failure {"error": "Class: message"} plus a traceback on stderr and
exit status 1. Settings come from the DJANGO_* environment variables (see bridge_site/settings.py).
Anything Django prints while working goes to stderr so that stdout stays one JSON document.

Runs on every Django line the suite installs (test/django/django-line.ts: 3.2 with Debian's
python3-django, 4.2/5.2 on PYTHONPATH, 6.1 in a trixie root's Python 3.13). Settings the running line
lacks (bridge_site/settings.py BRIDGE_REFUSED) make every command except drop_database fail with a
clear "NotSupportedByThisDjango" error instead of a crash somewhere inside Django.
"""
import io
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bridge_site.settings')


# --- database lifecycle (raw driver connections, no Django needed) -------------------------------

def _db_params():
    from bridge_site import settings as s  # plain module import: no django.setup() needed

    return s.ENGINE, s.DATABASES['default']


def _check_db_name(name):
    if not name or not all(c.isalnum() or c == '_' for c in name):
        raise ValueError('database name must be [A-Za-z0-9_]+, not %r' % (name,))


def _mysql_server():
    import MySQLdb

    _, db = _db_params()
    # password=: mysqlclient and PyMySQL (6.1's stand-in, see settings.py) both take it; PyMySQL
    # warns about passwd=.
    return MySQLdb.connect(host=db['HOST'], port=int(db['PORT']), user=db['USER'], password=db['PASSWORD'], charset='utf8mb4')


def _postgres_server():
    import psycopg2

    _, db = _db_params()
    conn = psycopg2.connect(host=db['HOST'], port=int(db['PORT']), user=db['USER'], password=db['PASSWORD'], dbname='postgres')
    conn.autocommit = True
    return conn


def create_database(_req=None):
    engine, db = _db_params()
    if engine == 'sqlite':
        parent = os.path.dirname(os.path.abspath(db['NAME']))
        os.makedirs(parent, exist_ok=True)
        return {'created': not os.path.exists(db['NAME'])}
    name = db['NAME']
    _check_db_name(name)
    if engine == 'mysql':
        conn = _mysql_server()
        try:
            cur = conn.cursor()
            existed = cur.execute('SHOW DATABASES LIKE %s', (name,)) > 0
            cur.execute('CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' % name)
        finally:
            conn.close()
        return {'created': not existed}
    conn = _postgres_server()
    try:
        cur = conn.cursor()
        cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        existed = cur.fetchone() is not None
        if not existed:
            cur.execute('CREATE DATABASE "%s" ENCODING \'UTF8\' TEMPLATE template0' % name)
    finally:
        conn.close()
    return {'created': not existed}


def drop_database(_req=None):
    engine, db = _db_params()
    if engine == 'sqlite':
        existed = os.path.exists(db['NAME'])
        for suffix in ('', '-journal', '-wal', '-shm'):
            if os.path.exists(db['NAME'] + suffix):
                os.remove(db['NAME'] + suffix)
        return {'dropped': existed}
    name = db['NAME']
    _check_db_name(name)
    if engine == 'mysql':
        conn = _mysql_server()
        try:
            cur = conn.cursor()
            existed = cur.execute('SHOW DATABASES LIKE %s', (name,)) > 0
            cur.execute('DROP DATABASE IF EXISTS `%s`' % name)
        finally:
            conn.close()
        return {'dropped': existed}
    conn = _postgres_server()
    try:
        cur = conn.cursor()
        cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        existed = cur.fetchone() is not None
        force = ' WITH (FORCE)' if conn.server_version >= 130000 else ''
        cur.execute('DROP DATABASE IF EXISTS "%s"%s' % (name, force))
    finally:
        conn.close()
    return {'dropped': existed}


# --- commands that need Django ------------------------------------------------------------------

def _setup():
    import django

    django.setup()


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get_by_natural_key(username)


def _permission(label):
    from django.contrib.auth.models import Permission

    app_label, _, codename = label.partition('.')
    if not codename:
        raise ValueError('permission must be "app_label.codename", not %r' % (label,))
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _group(name, permissions=None):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=name)
    if permissions is not None:
        group.permissions.set([_permission(p) for p in permissions])
    return group


def migrate(req):
    created = create_database()
    _setup()
    from django.core.management import call_command

    out = io.StringIO()
    call_command('migrate', interactive=False, verbosity=int(req.get('verbosity', 1)), stdout=out, stderr=sys.stderr)
    return {'created_database': created['created'], 'output': out.getvalue()}


def _make_password(req):
    """make_password with the preferred hasher, or req['hasher'] (an algorithm name) and, for
    PBKDF2, req['iterations'] (a deliberately outdated hash)."""
    from django.contrib.auth.hashers import get_hasher, make_password

    if req.get('hasher') is None and req.get('iterations') is None:
        return None
    hasher = get_hasher(req.get('hasher') or 'default')
    if req.get('iterations') is None:
        return make_password(req['password'], hasher=hasher)
    if not hasher.algorithm.startswith('pbkdf2_'):
        raise ValueError('iterations apply to PBKDF2 hashers only, not %r' % hasher.algorithm)
    return hasher.encode(req['password'], hasher.salt(), int(req['iterations']))


def create_user(req):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User(
        username=req['username'],
        email=req.get('email', ''),
        is_staff=bool(req.get('is_staff', False)),
        is_superuser=bool(req.get('is_superuser', False)),
        is_active=bool(req.get('is_active', True)),
        first_name=req.get('first_name', ''),
        last_name=req.get('last_name', ''),
    )
    if req.get('password') is None:
        user.set_unusable_password()
    else:
        encoded = _make_password(req)
        if encoded is None:
            user.set_password(req['password'])
        else:
            user.password = encoded
    user.save()
    if req.get('groups'):
        user.groups.set([_group(name) for name in req['groups']])
    if req.get('permissions'):
        user.user_permissions.set([_permission(p) for p in req['permissions']])
    return {'id': user.pk, 'password_hash': user.password}


def create_group(req):
    group = _group(req['name'], req.get('permissions') or [])
    return {'id': group.pk, 'name': group.name}


def set_password(req):
    user = _user(req['username'])
    if req.get('password') is None:
        user.set_unusable_password()
    else:
        user.set_password(req['password'])
    user.save(update_fields=['password'])
    return {'id': user.pk, 'password_hash': user.password}


def check_password(req):
    """Django's check_password against the stored hash, without a setter (nothing is rewritten)."""
    from django.contrib.auth.hashers import check_password as django_check_password, identify_hasher

    user = _user(req['username'])
    encoded = user.password
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        hasher = None
    return {
        'ok': django_check_password(req['password'], encoded),
        'algorithm': hasher.algorithm if hasher else None,
        # what Django's own login would do: rewrite the hash (another preferred hasher or work factor)
        'must_update': bool(hasher) and (hasher.algorithm != _preferred_algorithm() or hasher.must_update(encoded)),
        'password_hash': encoded,
    }


def _preferred_algorithm():
    from django.contrib.auth.hashers import get_hasher

    return get_hasher('default').algorithm


def set_active(req):
    user = _user(req['username'])
    user.is_active = bool(req['is_active'])
    user.save(update_fields=['is_active'])
    return {'id': user.pk, 'is_active': user.is_active}


def delete_user(req):
    user = _user(req['username'])
    pk = user.pk
    user.delete()
    return {'id': pk}


def get_user(req):
    from django.forms.models import model_to_dict

    user = _user(req['username'])
    data = model_to_dict(user, exclude=['groups', 'user_permissions'])
    data['groups'] = sorted(user.groups.values_list('name', flat=True))
    data['last_login'] = user.last_login.isoformat() if user.last_login else None
    data['date_joined'] = user.date_joined.isoformat()
    return data


def permissions(req):
    return sorted(_user(req['username']).get_all_permissions())


def _client(cookies=None):
    from django.test import Client

    client = Client()
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    return client


def _response(resp, client):
    try:
        body = resp.json()
    except ValueError:
        body = resp.content.decode('utf-8', 'replace')
    return {
        'status': resp.status_code,
        'body': body,
        # every cookie the client holds afterwards (Set-Cookie applied), and the raw headers
        'cookies': {name: morsel.value for name, morsel in client.cookies.items()},
        'set_cookie': [morsel.OutputString() for morsel in resp.cookies.values()],
    }


def login(req):
    client = _client(req.get('cookies'))
    resp = client.post(
        '/login/',
        data=json.dumps({'username': req['username'], 'password': req['password']}),
        content_type='application/json',
    )
    return _response(resp, client)


def whoami(req):
    from django.conf import settings
    from importlib import import_module

    cookies = req.get('cookies') or {}
    client = _client(cookies)
    resp = client.get('/whoami/')
    if resp.status_code != 200:
        raise RuntimeError('/whoami/ answered %s: %r' % (resp.status_code, resp.content[:500]))
    result = resp.json()
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    try:
        result['session_exists'] = bool(key) and store().exists(key)
    except Exception as exc:  # noqa: BLE001 - a cache that is down: the view's own answer still counts
        result['session_exists'] = None
        result['session_exists_raised'] = '%s: %s' % (type(exc).__name__, exc)
    return result


def csrf_token(req):
    """GET /csrf/ (get_token) with these cookies: the masked token and the cookie Django sets."""
    client = _client(req.get('cookies'))
    return _response(client.get('/csrf/'), client)


def csrf_post(req):
    """POST /csrf/post/ through CsrfViewMiddleware, enforced as for a real browser: the token goes in
    the X-CSRFToken header (req['token']) or the csrfmiddlewaretoken form field (req['form_token']);
    req['headers'] adds others, e.g. {"Origin": ...}. 200 with the user, or 403 with Django's reason."""
    client = _client(req.get('cookies'))
    client.handler.enforce_csrf_checks = True
    extra = {}
    for name, value in (req.get('headers') or {}).items():
        extra['HTTP_' + name.upper().replace('-', '_')] = value
    if req.get('token') is not None:
        extra['HTTP_X_CSRFTOKEN'] = req['token']
    data = {'csrfmiddlewaretoken': req['form_token']} if req.get('form_token') is not None else {}
    return _response(client.post('/csrf/post/', data=data, **extra), client)


def logout(req):
    client = _client(req.get('cookies'))
    resp = client.post('/logout/')
    return _response(resp, client)


def session_data(req):
    from django.db import connection

    as_text = {'sqlite': 'CAST(expire_date AS TEXT)', 'mysql': 'CAST(expire_date AS CHAR)'}.get(
        connection.vendor, 'expire_date::text'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT session_data, expire_date, %s FROM django_session WHERE session_key = %%s' % as_text,
            [req['session_key']],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    from django.contrib.sessions.models import Session

    orm = Session.objects.get(session_key=req['session_key'])
    data, expire, stored = row
    return {
        'session_key': req['session_key'],
        'session_data': data,
        # the column as the database renders it as text (Postgres: in the connection's time zone,
        # which Django sets to UTC when USE_TZ, else TIME_ZONE)
        'expire_date': stored,
        # str() of what the driver (with Django's converters) hands back for the raw column
        'expire_date_driver': str(expire),
        # what Django's ORM makes of it (aware, in UTC, when USE_TZ; naive local time otherwise)
        'expire_date_orm': orm.expire_date.isoformat(),
    }


def decode_session(req):
    from django.conf import settings
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore(req['session_key'])
    return store.load()


def session_cache_key(req):
    """Where the configured cache engine keeps a session: the key the session store gives the cache
    (its prefix + session key) and the key the cache stores it under (make_key: KEY_PREFIX, VERSION).
    Null for engines without a cache (db, signed_cookies)."""
    from django.conf import settings
    from django.core.cache import caches
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    prefix = getattr(store, 'cache_key_prefix', None)
    if prefix is None:
        return None
    key = prefix + req['session_key']
    return {'key': key, 'made_key': caches[settings.SESSION_CACHE_ALIAS].make_key(key)}


def create_session(req):
    """A new session holding req['data'] (no user), saved by the configured engine as a view's
    request.session would be; returns its key (signed_cookies: the cookie value)."""
    from django.conf import settings
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for name, value in (req.get('data') or {}).items():
        store[name] = value
    store.save()
    return store.session_key


def attempt(req):
    """Runs req['sub'] (one command) and reports its exception as data instead of failing: what Django
    does when, say, its cache is down ({"raised": "ConnectionError: ..."}), next to answers that worked."""
    sub = req.get('sub') or {}
    if sub.get('command') in ('batch', 'attempt'):
        raise ValueError('attempt takes one plain command')
    try:
        return {'ok': _dispatch(sub.get('command'), sub)}
    except Exception as exc:  # noqa: BLE001 - the exception is the answer
        return {'raised': '%s: %s' % (type(exc).__name__, exc)}


def sqlmigrate(req):
    from django.core.management import call_command

    out = io.StringIO()
    call_command('sqlmigrate', req['app_label'], req['migration_name'], stdout=out, no_color=True)
    return out.getvalue()


def schema_bundle(req):
    """What `migrate` does on an empty database for contenttypes, auth, sessions, DRF's authtoken and
    SimpleJWT's token_blacklist (the apps whose tables the bridge reads and writes), as data: the
    recorder's table, every migration's SQL (sqlmigrate's collect_sql) in plan order, the migration
    rows, and the content types and permissions post_migrate created (read back from this database,
    which must have just been migrated). The notes app's rows are included so notes.* permissions
    exist, but not its table."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    apps = ('contenttypes', 'auth', 'sessions', 'authtoken', 'token_blacklist')

    def statements(collected):
        out = []
        for chunk in collected:
            lines = [line for line in chunk.splitlines() if line.strip() and not line.strip().startswith('--')]
            text = '\n'.join(lines).strip()
            if text.endswith(';'):
                text = text[:-1].rstrip()
            if text:
                out.append(text)
        return out

    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(MigrationRecorder.Migration)
    recorder = statements(editor.collected_sql)

    executor = MigrationExecutor(connection)
    targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] in apps]
    plan = [(m, backwards) for m, backwards in executor.migration_plan(targets, clean_start=True) if m.app_label in apps]
    # Django's own apps replay their migrations' SQL. The token apps' migrations alter constraints
    # whose intermediate names only introspection of the intermediate schema knows (MySQL and
    # PostgreSQL then refuse the replay), so those get their models' final tables, which is what
    # `migrate` leaves behind.
    final_apps = ('authtoken', 'token_blacklist')
    sql = statements(executor.loader.collect_sql([(m, b) for m, b in plan if m.app_label not in final_apps]))
    from django.apps import apps as registry
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for label in final_apps:
            for model in registry.get_app_config(label).get_models():
                if model._meta.managed and not model._meta.proxy:
                    editor.create_model(model)
    sql += statements(editor.collected_sql)

    labels = apps + ('notes',)
    with connection.cursor() as cursor:
        cursor.execute('SELECT app_label, model FROM django_content_type ORDER BY id')
        content_types = [list(r) for r in cursor.fetchall() if r[0] in labels]
        cursor.execute(
            'SELECT ct.app_label, ct.model, p.codename, p.name FROM auth_permission p '
            'JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.id'
        )
        permissions = [list(r) for r in cursor.fetchall() if r[0] in labels]
    return {
        'vendor': connection.vendor,
        'recorderStatements': recorder,
        'statements': sql,
        'migrations': [[m.app_label, m.name] for m, _ in plan],
        'contentTypes': content_types,
        'permissions': permissions,
    }


def columns(req):
    """The table's columns as the database reports them (information_schema / PRAGMA)."""
    from django.db import connection

    table = req['table']
    with connection.cursor() as cursor:
        if connection.vendor == 'sqlite':
            cursor.execute('PRAGMA table_info("%s")' % table.replace('"', ''))
            return [
                {'name': r[1], 'type': r[2], 'nullable': not r[3], 'default': r[4], 'primary_key': bool(r[5])}
                for r in cursor.fetchall()
            ]
        if connection.vendor == 'mysql':
            cursor.execute(
                'SELECT column_name, column_type, is_nullable, column_default, column_key, extra '
                'FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s '
                'ORDER BY ordinal_position',
                [table],
            )
            return [
                {'name': r[0], 'type': r[1], 'nullable': r[2] == 'YES', 'default': r[3], 'primary_key': r[4] == 'PRI', 'extra': r[5]}
                for r in cursor.fetchall()
            ]
        cursor.execute(
            'SELECT c.column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable, c.column_default, '
            "  COALESCE((SELECT true FROM information_schema.table_constraints tc "
            "    JOIN information_schema.key_column_usage k ON tc.constraint_name = k.constraint_name "
            "      AND tc.table_schema = k.table_schema AND tc.table_name = k.table_name "
            "    WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = c.table_name "
            "      AND tc.table_schema = c.table_schema AND k.column_name = c.column_name LIMIT 1), false) "
            'FROM information_schema.columns c '
            'JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || \'.\' || quote_ident(c.table_name))::regclass '
            '  AND a.attname = c.column_name '
            'WHERE c.table_schema = current_schema() AND c.table_name = %s ORDER BY c.ordinal_position',
            [table],
        )
        return [
            {'name': r[0], 'type': r[1], 'nullable': r[2] == 'YES', 'default': r[3], 'primary_key': bool(r[4])}
            for r in cursor.fetchall()
        ]


def sql(req):
    """Runs one statement; returns the rows (each value str()-ed unless JSON-native) or the rowcount."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(req['sql'], req.get('params') or [])
        if cursor.description is None:
            return {'rowcount': cursor.rowcount}
        names = [d[0] for d in cursor.description]
        rows = [
            {n: (v if v is None or isinstance(v, (bool, int, float, str)) else str(v)) for n, v in zip(names, row)}
            for row in cursor.fetchall()
        ]
        return {'rows': rows}


def version(_req=None):
    """The running Django and the defaults tests take their expectations from: the PASSWORD_HASHERS
    in effect and Django's own default list (as algorithm names), and every hasher's work factors as
    the installed Django and libraries apply them."""
    import platform
    from importlib import import_module

    import django
    from django.conf import global_settings, settings
    from django.contrib.auth import hashers
    from django.utils.module_loading import import_string

    def algorithms(paths):
        return [import_string(path).algorithm for path in paths]

    scrypt = getattr(hashers, 'ScryptPasswordHasher', None)  # Django 4.0+
    try:
        import argon2
    except ImportError:
        argon2 = None
    try:
        import bcrypt
    except ImportError:
        bcrypt = None
    return {
        'version': django.get_version(),
        'line': '%d.%d' % django.VERSION[:2],
        'python': platform.python_version(),
        'password_hashers': algorithms(settings.PASSWORD_HASHERS),
        'default_password_hashers': algorithms(global_settings.PASSWORD_HASHERS),
        'pbkdf2_iterations': hashers.PBKDF2PasswordHasher.iterations,
        'pbkdf2_sha1_iterations': hashers.PBKDF2SHA1PasswordHasher.iterations,
        'scrypt': None if scrypt is None else {'n': scrypt.work_factor, 'r': scrypt.block_size, 'p': scrypt.parallelism},
        # hash_len: Django passes argon2.DEFAULT_HASH_LENGTH of the installed argon2-cffi (21.1: 16).
        'argon2': None if argon2 is None else {
            't': hashers.Argon2PasswordHasher.time_cost,
            'm': hashers.Argon2PasswordHasher.memory_cost,
            'p': hashers.Argon2PasswordHasher.parallelism,
            'hash_len': hashers.Argon2PasswordHasher().params().hash_len,
            'argon2_cffi': argon2.__version__ if hasattr(argon2, '__version__') else None,
        },
        'bcrypt_rounds': hashers.BCryptSHA256PasswordHasher.rounds,
        'bcrypt': None if bcrypt is None else getattr(bcrypt, '__version__', None),
        'features': {
            'secret_key_fallbacks': django.VERSION >= (4, 1),
            'default_hashing_algorithm': django.VERSION < (4, 0),
            'pickle_serializer': hasattr(import_module('django.contrib.sessions.serializers'), 'PickleSerializer'),
            'csrf_cookie_masked_by_default': django.VERSION < (4, 1),
        },
    }


def batch(req):
    """Several commands in one process (each answer in order); the first failure fails the batch,
    naming the command's index."""
    results = []
    for index, sub in enumerate(req.get('commands') or []):
        command = sub.get('command')
        if command == 'batch':
            raise ValueError('batches do not nest')
        try:
            results.append(_dispatch(command, sub))
        except Exception as exc:
            raise BatchFailed('batch command %d (%s) failed: %s: %s' % (index, command, type(exc).__name__, exc)) from exc
    return results


class BatchFailed(Exception):
    pass


class NotSupportedByThisDjango(Exception):
    pass


def _refuse_missing_features(command):
    from bridge_site import settings as s

    if s.BRIDGE_REFUSED and command != 'drop_database':
        import django

        raise NotSupportedByThisDjango('Django %s cannot run this configuration: %s' % (django.get_version(), '; '.join(s.BRIDGE_REFUSED)))


NO_DJANGO = {'drop_database': drop_database, 'create_database': create_database, 'migrate': migrate}
WITH_DJANGO = {
    'create_user': create_user,
    'create_group': create_group,
    'set_password': set_password,
    'set_active': set_active,
    'delete_user': delete_user,
    'get_user': get_user,
    'permissions': permissions,
    'login': login,
    'whoami': whoami,
    'logout': logout,
    'session_data': session_data,
    'decode_session': decode_session,
    'session_cache_key': session_cache_key,
    'create_session': create_session,
    'attempt': attempt,
    'sqlmigrate': sqlmigrate,
    'schema_bundle': schema_bundle,
    'columns': columns,
    'sql': sql,
    'check_password': check_password,
    'csrf_token': csrf_token,
    'csrf_post': csrf_post,
    'version': version,
}


def _dispatch(command, req):
    _refuse_missing_features(command)
    if command in NO_DJANGO:
        return NO_DJANGO[command](req)
    if command in WITH_DJANGO:
        _setup()
        return WITH_DJANGO[command](req)
    raise ValueError('unknown command %r; known: %s' % (command, ', '.join(sorted({**NO_DJANGO, **WITH_DJANGO, 'batch': batch}))))


def main():
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # keep stdout for the one JSON answer
    try:
        req = json.loads(sys.stdin.read() or '{}')
        command = req.get('command')
        result = batch(req) if command == 'batch' else _dispatch(command, req)
        real_stdout.write(json.dumps({'ok': result}, default=str))
        real_stdout.flush()
        return 0
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the caller
        traceback.print_exc(file=sys.stderr)
        real_stdout.write(json.dumps({'error': '%s: %s' % (type(exc).__name__, exc)}))
        real_stdout.flush()
        return 1


if __name__ == '__main__':
    sys.exit(main())
