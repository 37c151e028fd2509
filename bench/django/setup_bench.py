"""Fills the bench database the Django way and logs in once through Django's own login view.

stdin: {"username", "password"}. stdout: JSON with the session cookie Django set (used against both
servers), the user's expected groups and permissions, and the PBKDF2 iteration count with the time
of one hash in this process (the Django side's hash ceiling).
"""
import json
import os
import sys
import time

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bench_site.settings')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def permission(label):
    app_label, codename = label.split('.')
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def main():
    req = json.load(sys.stdin)
    call_command('migrate', verbosity=0, interactive=False)
    editors = Group.objects.create(name='editors')
    editors.permissions.set([permission('auth.view_user'), permission('auth.change_user')])
    viewers = Group.objects.create(name='viewers')
    viewers.permissions.set([permission('auth.view_group'), permission('auth.view_user')])
    user = User.objects.create_user(req['username'], email='bench@example.com', password=req['password'], is_staff=True)
    user.groups.set([editors, viewers])
    user.user_permissions.set([permission('sessions.view_session'), permission('auth.add_group')])

    # Django's own login: the CSRF-protected view under CsrfViewMiddleware, as a browser would use it.
    client = Client(enforce_csrf_checks=True, HTTP_HOST='localhost')
    token = client.get('/api/csrf').json()['csrfToken']
    resp = client.post('/api/login', json.dumps({'username': req['username'], 'password': req['password']}), content_type='application/json', HTTP_X_CSRFTOKEN=token)
    if resp.status_code != 200:
        raise SystemExit('Django login failed: %s %s' % (resp.status_code, resp.content[:200]))
    expected = resp.json()

    hasher = get_hasher('default')
    if not isinstance(hasher, PBKDF2PasswordHasher):
        raise SystemExit('the default hasher is %s, not PBKDF2' % hasher.algorithm)
    salt = hasher.salt()
    hasher.encode('warm-up', salt, 1000)
    # The fastest of 5: the hash's own cost, without other work on the machine in the way.
    hash_ms = float('inf')
    for _ in range(5):
        started = time.perf_counter()
        hasher.encode(req['password'], salt)
        hash_ms = min(hash_ms, (time.perf_counter() - started) * 1000)

    json.dump({
        'django': django.get_version(),
        'sessionid': client.cookies['sessionid'].value,
        'csrftoken': client.cookies['csrftoken'].value,
        'user': expected,
        'algorithm': hasher.algorithm,
        'iterations': hasher.iterations,
        'hashMs': hash_ms,
    }, sys.stdout)


main()
