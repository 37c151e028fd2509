"""Ground truth for Django REST framework's TokenAuthentication (rest_framework.authtoken), on the
test project's database (project mode: oracle.ts djangoProjectBatch).

  drf_token_create {username}      Token.objects.get_or_create(user) (obtain_auth_token's way): {key, created}
  drf_token_get {username}         the user's key, or null
  drf_token_rotate {username}      delete the user's token and make a new one: {key, old}
  drf_token_delete {username}      {deleted: count}
  drf_authenticate {header, keyword?}  TokenAuthentication on a request with this Authorization value
      (text, or bytes sent latin-1 as a server would): {user, key} on success, {user: null} when DRF
      passes (no header, other keyword), or {error: {detail, code, status}, www_authenticate}.
  credential_packages {}           the installed DRF, SimpleJWT, PyJWT, cryptography (any mode)
"""
from oracle_context import request_context, require_project


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get_by_natural_key(username)


def drf_token_create(req):
    require_project('drf_token_create')
    from rest_framework.authtoken.models import Token

    with request_context(req):
        token, created = Token.objects.get_or_create(user=_user(req['username']))
        return {'key': token.key, 'created': created}


def drf_token_get(req):
    require_project('drf_token_get')
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=_user(req['username'])).first()
    return None if token is None else token.key


def drf_token_rotate(req):
    require_project('drf_token_rotate')
    from rest_framework.authtoken.models import Token

    with request_context(req):
        user = _user(req['username'])
        old = Token.objects.filter(user=user).first()
        Token.objects.filter(user=user).delete()
        return {'key': Token.objects.create(user=user).key, 'old': None if old is None else old.key}


def drf_token_delete(req):
    require_project('drf_token_delete')
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=_user(req['username'])).delete()
    return {'deleted': deleted}


def drf_authenticate(req):
    require_project('drf_authenticate')
    from rest_framework import exceptions
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from ops_project_request import header_meta

    auth = TokenAuthentication()
    if req.get('keyword') is not None:
        auth.keyword = req['keyword']
    headers = {} if req.get('header') is None else {'Authorization': req['header']}
    request = Request(APIRequestFactory().get('/', **header_meta(headers)))
    with request_context(req):
        try:
            result = auth.authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            return {
                'user': None,
                'error': {'detail': str(exc.detail), 'code': exc.detail.code, 'status': exc.status_code},
                'www_authenticate': auth.authenticate_header(request),
            }
    if result is None:
        return {'user': None, 'www_authenticate': auth.authenticate_header(request)}
    user, token = result
    return {'user': user.get_username(), 'key': token.key}


def credential_packages(_req):
    from importlib.metadata import version

    import jwt.algorithms

    try:
        crypto = version('cryptography')
    except Exception:  # noqa: BLE001 - absent: the RS/ES algorithms are unavailable
        crypto = None
    return {
        'djangorestframework': version('djangorestframework'),
        'simplejwt': version('djangorestframework-simplejwt'),
        'pyjwt': jwt.__version__,
        'pyjwt_has_crypto': bool(jwt.algorithms.has_crypto),
        'cryptography': crypto,
        'pyjwt_path': jwt.__file__,
    }


OPS = {
    'credential_packages': credential_packages,
    'drf_token_create': drf_token_create,
    'drf_token_get': drf_token_get,
    'drf_token_rotate': drf_token_rotate,
    'drf_token_delete': drf_token_delete,
    'drf_authenticate': drf_authenticate,
}
