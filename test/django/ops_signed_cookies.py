"""Ground truth for the signed_cookies session engine: Django's own SessionStore and SessionMiddleware.

Each request carries the site's settings (key, cookie_age, serializer 'json' or 'pickle', algorithm
on 3.1/3.2, fallbacks on 4.1+) and a frozen time.time ('now'). Session values cross as JSON plus
{"$dt": epoch milliseconds} for an aware UTC datetime (made with the tzinfo of the line's
timezone.now(): pytz.utc on 3.2, datetime.timezone.utc on 4.0+); they come back the same way.
Strings are rebuilt as objects of their own, as strings decoded at run time are, so a pickled
session here is what a site pickles (equal strings are not one shared object).
"""
import datetime
import warnings
from unittest import mock

from django.conf import global_settings
from django.contrib.sessions import serializers
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone

HAS_ALGORITHM_SETTING = hasattr(global_settings, 'DEFAULT_HASHING_ALGORITHM')
HAS_FALLBACKS = hasattr(global_settings, 'SECRET_KEY_FALLBACKS')
HAS_PICKLE = hasattr(serializers, 'PickleSerializer')
SALT = 'django.contrib.sessions.backends.signed_cookies'
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def fresh_str(text):
    """A str object of its own (CPython still hands out its cached '' and one-character Latin-1 strings)."""
    return (text + '\0')[:-1]


def build(value):
    if isinstance(value, str):
        return fresh_str(value)
    if isinstance(value, list):
        return [build(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {'$dt'}:
            naive = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=value['$dt'])
            return naive.replace(tzinfo=timezone.now().tzinfo)
        return {build(k): build(v) for k, v in value.items()}
    return value


def describe(value):
    if isinstance(value, datetime.datetime):
        return {'$dt': (value - EPOCH) // datetime.timedelta(milliseconds=1), 'tz': type(value.tzinfo).__module__}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    return value


def site(req):
    values = {
        'SECRET_KEY': req['key'],
        'SESSION_COOKIE_AGE': req.get('cookie_age', global_settings.SESSION_COOKIE_AGE),
        'SESSION_ENGINE': 'django.contrib.sessions.backends.signed_cookies',
        'SESSION_SERIALIZER': 'django.contrib.sessions.serializers.JSONSerializer',
    }
    if req.get('serializer', 'json') == 'pickle':
        if not HAS_PICKLE:
            raise ValueError('PickleSerializer does not exist on this line')
        values['SESSION_SERIALIZER'] = 'django.contrib.sessions.serializers.PickleSerializer'
    if req.get('algorithm') is not None:
        if not HAS_ALGORITHM_SETTING:
            raise ValueError('DEFAULT_HASHING_ALGORITHM does not exist on this line')
        values['DEFAULT_HASHING_ALGORITHM'] = req['algorithm']
    if req.get('fallbacks') is not None:
        if not HAS_FALLBACKS:
            raise ValueError('SECRET_KEY_FALLBACKS does not exist on this line')
        values['SECRET_KEY_FALLBACKS'] = req['fallbacks']
    return override_settings(**values)


class Context:
    """Frozen clock, the site's settings, and no deprecation noise (4.2's PickleSerializer, 3.2's setting)."""

    def __init__(self, req):
        self.parts = [warnings.catch_warnings(), mock.patch('time.time', return_value=req['now']), site(req)]

    def __enter__(self):
        for part in self.parts:
            part.__enter__()
        warnings.simplefilter('ignore')

    def __exit__(self, *exc):
        for part in reversed(self.parts):
            part.__exit__(*exc)


def apply(session, actions):
    for action in actions:
        name, args = action[0], action[1:]
        if name == 'update':
            session.update(build(args[0]))
        elif name == 'set':
            session[build(args[0])] = build(args[1])
        elif name == 'pop':
            session.pop(args[0], None)
        elif name == 'set_expiry':
            session.set_expiry(build(args[0]))
        elif name == 'read':
            session.get('_auth_user_id')
        elif name in ('flush', 'cycle_key', 'clear', 'save'):
            getattr(session, name)()
        else:
            raise ValueError('unknown action %r' % name)


def state(session):
    loaded = hasattr(session, '_session_cache')
    return {
        'key': session.session_key,
        'modified': session.modified,
        'accessed': session.accessed,
        'empty': session.is_empty(),
        'data': describe(dict(session._session_cache)) if loaded else None,
    }


def signed_cookie_session(req):
    """SessionStore(cookie), the actions, then what it holds; 'save' saves at the end as the middleware would."""
    with Context(req):
        session = SessionStore(req.get('cookie'))
        apply(session, req.get('actions', []))
        if req.get('save'):
            session.save()
        return state(session)


def signed_cookie_middleware(req):
    """One request through SessionMiddleware with the cookie; the view runs the actions. Returns the Set-Cookie."""
    def view(request):
        apply(request.session, req.get('actions', []))
        return HttpResponse('ok')

    with Context(req):
        request = RequestFactory().get('/')
        if req.get('cookie') is not None:
            request.COOKIES['sessionid'] = req['cookie']
        response = SessionMiddleware(view)(request)
        morsel = response.cookies.get('sessionid')
        cookie = None if morsel is None else {'value': morsel.value, 'max_age': morsel['max-age'], 'expires': morsel['expires']}
        return {'cookie': cookie, 'vary': response.get('Vary'), 'header_length': None if morsel is None else len(morsel.OutputString())}


def signed_cookie_pickled_payload(req):
    """A cookie signed like the engine's but holding a pickle that runs code (never loaded here)."""
    import pickle

    class Evil:
        def __reduce__(self):
            import os
            return (os.system, ('touch %s' % req['marker'],))

    class EvilSerializer:
        def dumps(self, obj):
            return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)

    with Context(req):
        return signing.dumps({'_auth_user_id': '1', 'x': Evil()}, compress=True, salt=SALT, serializer=EvilSerializer)


def signed_cookie_sha1(req):
    """What the engine would sign with algorithm sha1 on a line without DEFAULT_HASHING_ALGORITHM."""
    with Context(req):
        signer = signing.TimestampSigner(key=req['key'], salt=SALT, algorithm='sha1')
        return signer.sign_object(build(req['session']), compress=True)


OPS = {
    'signed_cookie_session': signed_cookie_session,
    'signed_cookie_middleware': signed_cookie_middleware,
    'signed_cookie_pickled_payload': signed_cookie_pickled_payload,
    'signed_cookie_sha1': signed_cookie_sha1,
}
