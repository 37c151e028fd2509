"""CSRF ground truth from the running Django's django.middleware.csrf (and the urllib it parses with).

3.2 reads cookies with _sanitize_token and compares with _compare_masked_tokens; 4.1+ has
CsrfViewMiddleware._get_secret, _check_token_format and _does_token_match instead. Each op uses
whichever the running line has.
"""
from unittest import mock
from urllib.parse import urlparse

from django.middleware import csrf
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils.http import is_same_domain

HAS_GET_SECRET = hasattr(csrf.CsrfViewMiddleware, '_get_secret')  # 4.1+


def mask(req):
    """_mask_cipher_secret with the mask chosen by the test instead of at random."""
    with mock.patch.object(csrf, '_get_new_csrf_string', return_value=req['mask']):
        return csrf._mask_cipher_secret(req['secret'])


def new_token(req):
    """get_token() on a request without a cookie: the token for forms and the cookie value to set."""
    with override_settings(**({'CSRF_COOKIE_MASKED': req['masked']} if 'masked' in req else {})):
        request = RequestFactory().get('/')
        token = csrf.get_token(request)
        return {'token': token, 'cookie': request.META['CSRF_COOKIE']}


def cookie_secret(value):
    """The secret Django keeps from a csrftoken cookie value, or None (and the reason, 4.0+) when it replaces it."""
    if HAS_GET_SECRET:
        request = RequestFactory().get('/')
        request.COOKIES['csrftoken'] = value
        try:
            return {'secret': csrf.CsrfViewMiddleware(lambda r: None)._get_secret(request), 'reason': None}
        except csrf.InvalidTokenFormat as exc:
            return {'secret': None, 'reason': exc.reason}
    token = csrf._sanitize_token(value)
    secret = csrf._unmask_cipher_token(token)
    # A valid value is kept as is (64 chars) or masked (32 chars); anything else becomes a new token.
    return {'secret': secret if value in (token, secret) else None, 'reason': None}


def compare(req):
    """Does the request token match the cookie, as the line's process_view decides after its checks?"""
    if HAS_GET_SECRET:
        secret = cookie_secret(req['cookie'])['secret']
        if secret is None:
            return False
        try:
            csrf._check_token_format(req['request'])
        except csrf.InvalidTokenFormat:
            return False
        return csrf._does_token_match(req['request'], secret)
    return csrf._compare_masked_tokens(csrf._sanitize_token(req['request']), csrf._sanitize_token(req['cookie']))


def parse_url(req):
    try:
        parsed = urlparse(req['url'])
    except ValueError:
        return None
    return {'fields': list(parsed), 'geturl': parsed.geturl()}


def process_view(req):
    """Runs CsrfViewMiddleware on one request; returns 'accepted', Django's reason, or 'ValueError'."""
    method = req.get('method', 'POST')
    extra = {}
    for key, meta in (('header', 'HTTP_X_CSRFTOKEN'), ('referer', 'HTTP_REFERER'), ('host', 'HTTP_HOST'), ('origin', 'HTTP_ORIGIN')):
        if req.get(key) is not None:
            extra[meta] = req[key]
    if req.get('port') is not None:
        extra['SERVER_PORT'] = str(req['port'])
    settings = {
        'ALLOWED_HOSTS': ['testserver', 'testserver:8443', '.example.com'],
        # The caller passes what the line takes: bare hosts on 3.2, origins with a scheme on 4.0+.
        'CSRF_TRUSTED_ORIGINS': req.get('trusted', []),
        'CSRF_COOKIE_DOMAIN': req.get('cookie_domain'),
    }
    with override_settings(**settings):
        factory = RequestFactory()
        secure = req.get('secure', False)
        if method == 'POST':
            data = {'csrfmiddlewaretoken': req['form']} if req.get('form') is not None else {}
            request = factory.post('/', data=data, secure=secure, **extra)
        else:
            request = factory.generic(method, '/', secure=secure, **extra)
        if req.get('cookie') is not None:
            request.COOKIES['csrftoken'] = req['cookie']
        middleware = csrf.CsrfViewMiddleware(lambda r: None)
        reasons = []
        with mock.patch.object(csrf.CsrfViewMiddleware, '_reject', lambda self, r, reason: reasons.append(reason) or 'rejected'):
            middleware.process_request(request)
            try:
                result = middleware.process_view(request, lambda r: None, (), {})
            except ValueError:
                # 3.2 lets urlparse's ValueError escape (a 500); 4.0+ reports a malformed Referer.
                return 'ValueError'
        return 'accepted' if result is None else reasons[0]


OPS = {
    'csrf_mask': mask,
    'csrf_unmask': lambda req: csrf._unmask_cipher_token(req['token']),
    'csrf_new_token': new_token,
    'csrf_cookie_secret': lambda req: cookie_secret(req['value']),
    'csrf_compare': compare,
    'csrf_process_view': process_view,
    'py_urlparse': parse_url,
    'is_same_domain': lambda req: is_same_domain(req['host'], req['pattern']),
}
