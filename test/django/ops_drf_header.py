"""DRF's TokenAuthentication header parsing, without a database (any oracle mode).

  drf_token_header {header: bytes, keyword?}  TokenAuthentication.authenticate on a request whose
      Authorization is these bytes (as latin-1 text, as a WSGI server hands them over), with the
      lookup replaced: {absent: true} when DRF passes, {key} when it would look the key up, or
      {error, status, www_authenticate} for AuthenticationFailed.
  drf_token_row {username}  (project mode) the user's Token through the ORM: {key, created (isoformat
      as Django reads it: aware UTC with USE_TZ, naive local time without), user_id}, or null.
"""


def drf_token_header(req):
    from django.test import RequestFactory
    from rest_framework import exceptions
    from rest_framework.authentication import TokenAuthentication

    class ParseOnly(TokenAuthentication):
        def authenticate_credentials(self, key):
            return ('parsed', key)

    auth = ParseOnly()
    if req.get('keyword') is not None:
        auth.keyword = req['keyword']
    request = RequestFactory().get('/')
    request.META['HTTP_AUTHORIZATION'] = bytes(req['header']).decode('latin-1')
    try:
        result = auth.authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        return {'error': str(exc.detail), 'status': exc.status_code, 'www_authenticate': auth.authenticate_header(request)}
    return {'absent': True} if result is None else {'key': result[1]}


def drf_token_row(req):
    from oracle_context import require_project

    require_project('drf_token_row')
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model()._default_manager.get_by_natural_key(req['username'])
    token = Token.objects.filter(user=user).first()
    return None if token is None else {'key': token.key, 'created': token.created.isoformat(), 'user_id': token.user_id}


OPS = {'drf_token_header': drf_token_header, 'drf_token_row': drf_token_row}
