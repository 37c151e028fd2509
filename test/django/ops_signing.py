"""Signing, session encoding and session auth hash ground truth from the running Django.

DEFAULT_HASHING_ALGORITHM (3.1/3.2 only) and SECRET_KEY_FALLBACKS (4.1+) are set only where the
line has them; the spec leaves out the cases a line cannot have.
"""
import json
import zlib
from unittest import mock

from django.conf import global_settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.test.utils import override_settings

HAS_ALGORITHM_SETTING = hasattr(global_settings, 'DEFAULT_HASHING_ALGORITHM')
HAS_FALLBACKS = hasattr(global_settings, 'SECRET_KEY_FALLBACKS')


def frozen(req):
    now = req.get('now')
    return mock.patch('time.time', return_value=now) if now is not None else mock.patch('time.sleep')


def site(req):
    """The settings of a site with this request's SECRET_KEY (and fallbacks, algorithm)."""
    values = {'SECRET_KEY': req['key']}
    if req.get('algorithm') is not None:
        if not HAS_ALGORITHM_SETTING:
            raise ValueError('DEFAULT_HASHING_ALGORITHM does not exist on this line')
        values['DEFAULT_HASHING_ALGORITHM'] = req['algorithm']
    if req.get('fallbacks') is not None:
        if not HAS_FALLBACKS:
            raise ValueError('SECRET_KEY_FALLBACKS does not exist on this line')
        values['SECRET_KEY_FALLBACKS'] = req['fallbacks']
    return override_settings(**values)


def sign_object(req):
    with frozen(req):
        signer = signing.TimestampSigner(key=req['key'], salt=req.get('salt', 'django.core.signing'),
                                         algorithm=req.get('algorithm', 'sha256'))
        return signer.sign_object(req['obj'], compress=req.get('compress', False))


def loads(req):
    with frozen(req), site(req):
        return signing.loads(req['text'], salt=req.get('salt', 'django.core.signing'), max_age=req.get('max_age'))


def signer_sign(req):
    cls = signing.TimestampSigner if req.get('timestamp') else signing.Signer
    with frozen(req):
        return cls(key=req['key'], salt=req.get('salt'), algorithm=req.get('algorithm', 'sha256')).sign(req['value'])


def signer_unsign(req):
    cls = signing.TimestampSigner if req.get('timestamp') else signing.Signer
    with frozen(req):
        return cls(key=req['key'], salt=req.get('salt')).unsign(req['text'])


def session_encode(req):
    with frozen(req), site(req):
        return SessionStore().encode(req['session'])


def session_decode(req):
    """Returns Django's dict: {} where Django logs "Session data corrupted"."""
    with site(req):
        return SessionStore().decode(req['text'])


def session_auth_hash(req):
    """AbstractBaseUser.get_session_auth_hash() of a user whose password field is password_hash."""
    with site(req):
        return User(password=req['password_hash']).get_session_auth_hash()


def json_dumps(req):
    return json.dumps(json.loads(req['json']), separators=(',', ':'))


def zlib_compress(req):
    return zlib.compress(req['data'])


def cookie_sign(req):
    with frozen(req), site(req):
        return signing.get_cookie_signer(salt=req['name'] + req.get('salt', '')).sign(req['value'])


def cookie_unsign(req):
    with frozen(req), site(req):
        return signing.get_cookie_signer(salt=req['name'] + req.get('salt', '')).unsign(req['value'], max_age=req.get('max_age'))


OPS = {
    'sign_object': sign_object,
    'loads': loads,
    'signer_sign': signer_sign,
    'signer_unsign': signer_unsign,
    'session_encode': session_encode,
    'session_decode': session_decode,
    'session_auth_hash': session_auth_hash,
    'json_dumps': json_dumps,
    'zlib_compress': zlib_compress,
    'cookie_sign': cookie_sign,
    'cookie_unsign': cookie_unsign,
}
