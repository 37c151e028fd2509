"""Signing, session encoding and session auth hash ground truth from Django 3.2."""
import json
import zlib
from unittest import mock

from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.test.utils import override_settings
from django.utils.crypto import salted_hmac


def frozen(req):
    now = req.get('now')
    return mock.patch('time.time', return_value=now) if now is not None else mock.patch('time.sleep')


def sign_object(req):
    with frozen(req):
        signer = signing.TimestampSigner(req['key'], salt=req.get('salt', 'django.core.signing'),
                                         algorithm=req.get('algorithm', 'sha256'))
        return signer.sign_object(req['obj'], compress=req.get('compress', False))


def loads(req):
    with frozen(req), override_settings(SECRET_KEY=req['key']):
        return signing.loads(req['text'], key=req['key'], salt=req.get('salt', 'django.core.signing'),
                             max_age=req.get('max_age'))


def signer_sign(req):
    cls = signing.TimestampSigner if req.get('timestamp') else signing.Signer
    with frozen(req):
        return cls(req['key'], salt=req.get('salt'), algorithm=req.get('algorithm', 'sha256')).sign(req['value'])


def signer_unsign(req):
    cls = signing.TimestampSigner if req.get('timestamp') else signing.Signer
    with frozen(req):
        return cls(req['key'], salt=req.get('salt')).unsign(req['text'])


def session_encode(req):
    with frozen(req), override_settings(SECRET_KEY=req['key'], DEFAULT_HASHING_ALGORITHM=req.get('algorithm', 'sha256')):
        return SessionStore().encode(req['session'])


def session_decode(req):
    """Returns Django's dict, or None where Django logs "Session data corrupted" and yields {}."""
    with override_settings(SECRET_KEY=req['key'], DEFAULT_HASHING_ALGORITHM=req.get('algorithm', 'sha256')):
        return SessionStore().decode(req['text'])


def session_auth_hash(req):
    with override_settings(SECRET_KEY=req['key']):
        return salted_hmac('django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash',
                           req['password_hash'], algorithm=req.get('algorithm', 'sha256')).hexdigest()


def json_dumps(req):
    return json.dumps(json.loads(req['json']), separators=(',', ':'))


def zlib_compress(req):
    return zlib.compress(req['data'])


def cookie_sign(req):
    with frozen(req), override_settings(SECRET_KEY=req['key']):
        return signing.get_cookie_signer(salt=req['name'] + req.get('salt', '')).sign(req['value'])


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
}
