"""Ground truth for HttpRequest.get_signed_cookie / HttpResponse.set_signed_cookie, Django's own.

set_signed_cookie {name, value, salt?, kwargs?, key, fallbacks?, algorithm?, now}
    -> {header: the Set-Cookie line (without "Set-Cookie: "), value: the signed value, coded: it as quoted in the header}
get_signed_cookie {name, cookie (the Cookie header) | null, salt?, max_age?, default?, key, fallbacks?,
    algorithm?, legacy_fallback?, now} -> {value} | {raised: exception class name}
Plus password_reset_uidb64_decode {uidb64} -> urlsafe_base64_decode(uidb64).decode() or None, the
text PasswordResetConfirmView.get_user looks the user up by (standalone mode).
"""
from unittest import mock

from django.conf import global_settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils.http import urlsafe_base64_decode

HAS_ALGORITHM_SETTING = hasattr(global_settings, 'DEFAULT_HASHING_ALGORITHM')
HAS_FALLBACKS = hasattr(global_settings, 'SECRET_KEY_FALLBACKS')
HAS_LEGACY_SALT_SETTING = hasattr(global_settings, 'SIGNED_COOKIE_LEGACY_SALT_FALLBACK')


def _site(req):
    values = {'SECRET_KEY': req['key']}
    if req.get('fallbacks') is not None:
        if not HAS_FALLBACKS:
            raise ValueError('SECRET_KEY_FALLBACKS does not exist on this line')
        values['SECRET_KEY_FALLBACKS'] = req['fallbacks']
    if req.get('algorithm') is not None:
        if not HAS_ALGORITHM_SETTING:
            raise ValueError('DEFAULT_HASHING_ALGORITHM does not exist on this line')
        values['DEFAULT_HASHING_ALGORITHM'] = req['algorithm']
    if req.get('legacy_fallback') is not None:
        if not HAS_LEGACY_SALT_SETTING:
            raise ValueError('SIGNED_COOKIE_LEGACY_SALT_FALLBACK does not exist on this release')
        values['SIGNED_COOKIE_LEGACY_SALT_FALLBACK'] = req['legacy_fallback']
    return override_settings(**values)


def set_signed_cookie(req):
    import warnings

    with warnings.catch_warnings(), mock.patch('time.time', return_value=req['now']), _site(req):
        warnings.simplefilter('ignore')
        response = HttpResponse()
        response.set_signed_cookie(req['name'], req['value'], salt=req.get('salt', ''), **(req.get('kwargs') or {}))
        morsel = response.cookies[req['name']]
        return {'header': morsel.OutputString(), 'value': morsel.value, 'coded': morsel.coded_value}


def get_signed_cookie(req):
    import warnings

    with warnings.catch_warnings(), mock.patch('time.time', return_value=req['now']), _site(req):
        warnings.simplefilter('ignore')
        request = RequestFactory().get('/', HTTP_COOKIE=req['cookie']) if req.get('cookie') is not None else RequestFactory().get('/')
        kwargs = {'salt': req.get('salt', ''), 'max_age': req.get('max_age')}
        if 'default' in req:
            kwargs['default'] = req['default']
        try:
            return {'value': request.get_signed_cookie(req['name'], **kwargs)}
        except Exception as exc:  # KeyError, BadSignature, SignatureExpired: reported by class
            return {'raised': type(exc).__name__}


def password_reset_uidb64_decode(req):
    try:
        return urlsafe_base64_decode(req['uidb64']).decode()
    except (TypeError, ValueError, OverflowError):
        return None


OPS = {
    'set_signed_cookie': set_signed_cookie,
    'get_signed_cookie': get_signed_cookie,
    'password_reset_uidb64_decode': password_reset_uidb64_decode,
}
