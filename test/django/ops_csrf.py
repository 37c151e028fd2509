"""CSRF ground truth from Django 3.2's django.middleware.csrf (and the urllib it relies on)."""
from unittest import mock
from urllib.parse import urlparse

from django.middleware import csrf
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils.http import is_same_domain


def mask(req):
    """_mask_cipher_secret with the mask chosen by the test instead of at random."""
    with mock.patch.object(csrf, '_get_new_csrf_string', return_value=req['mask']):
        return csrf._mask_cipher_secret(req['secret'])


def sanitize(req):
    """What 3.2 keeps of a cookie value: the value itself, a masked form, or a brand-new token."""
    token = csrf._sanitize_token(req['token'])
    return {'token': token, 'secret': csrf._unmask_cipher_token(token)}


def compare(req):
    """3.2's token check on raw values: both sanitized, then _compare_masked_tokens."""
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
    if req.get('header') is not None:
        extra['HTTP_X_CSRFTOKEN'] = req['header']
    if req.get('referer') is not None:
        extra['HTTP_REFERER'] = req['referer']
    if req.get('host') is not None:
        extra['HTTP_HOST'] = req['host']
    if req.get('port') is not None:
        extra['SERVER_PORT'] = str(req['port'])
    settings = {
        'ALLOWED_HOSTS': ['testserver', 'testserver:8443', '.example.com'],
        # 3.2 takes bare hosts; the test passes the hosts our 4.0-style parser derives.
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
    'csrf_new_token': lambda req: csrf._get_new_csrf_token(),
    'csrf_sanitize': sanitize,
    'csrf_compare': compare,
    'csrf_process_view': process_view,
    'py_urlparse': parse_url,
    'is_same_domain': lambda req: is_same_domain(req['host'], req['pattern']),
}
