"""CSRF ground truth from Django 3.2's django.middleware.csrf."""
from unittest import mock

from django.middleware import csrf
from django.test import RequestFactory
from django.test.utils import override_settings


def mask(req):
    with mock.patch.object(csrf, '_get_new_csrf_string', return_value=req['mask']):
        return csrf._mask_cipher_secret(req['secret'])


def process_view(req):
    """Runs CsrfViewMiddleware on a POST; returns 'accepted' or Django's rejection reason."""
    headers = {}
    if req.get('header') is not None:
        headers['HTTP_X_CSRFTOKEN'] = req['header']
    if req.get('referer') is not None:
        headers['HTTP_REFERER'] = req['referer']
    data = {'csrfmiddlewaretoken': req['form']} if req.get('form') is not None else {}
    with override_settings(ALLOWED_HOSTS=['testserver'], CSRF_TRUSTED_ORIGINS=req.get('trusted', [])):
        request = RequestFactory().post('/', data=data, secure=req.get('secure', False), **headers)
        if req.get('cookie') is not None:
            request.COOKIES['csrftoken'] = req['cookie']
        middleware = csrf.CsrfViewMiddleware(lambda r: None)
        reasons = []
        with mock.patch.object(csrf.CsrfViewMiddleware, '_reject', lambda self, r, reason: reasons.append(reason) or 'rejected'):
            middleware.process_request(request)
            result = middleware.process_view(request, lambda r: None, (), {})
        return 'accepted' if result is None else reasons[0]


OPS = {
    'csrf_mask': mask,
    'csrf_unmask': lambda req: csrf._unmask_cipher_token(req['token']),
    'csrf_new_token': lambda req: csrf._get_new_csrf_token(),
    'csrf_process_view': process_view,
}
