"""Ground truth for SimpleJWT (rest_framework_simplejwt, with its token_blacklist app), on the test
project's database (project mode: oracle.ts djangoProjectBatch). Every request may carry "now"
(epoch seconds: the clock of Django, SimpleJWT and PyJWT) and "jwt" (SIMPLE_JWT overrides by
SimpleJWT's names, *_LIFETIME in seconds; a name this SimpleJWT lacks is refused).

  jwt_obtain_pair {username, password?}  with a password: TokenObtainPairSerializer (the view's rules,
      UPDATE_LAST_LOGIN); without: RefreshToken.for_user (its get_token). {refresh, access, *_payload}
      or {error: {status, body}}
  jwt_refresh {refresh}          TokenRefreshView: {status, body}
  jwt_verify {token}             TokenVerifyView: {status, body}
  jwt_blacklist_view {refresh}   TokenBlacklistView: {status, body}
  jwt_authenticate {header}      JWTAuthentication on a request with this Authorization value:
      {user, claims} | {user: null} (passed) | {error: {status, body, codes}, www_authenticate}
  jwt_decode {token, type?: access|refresh|untyped, verify?}  the token class's checks: {payload} | {error}
  jwt_encode {payload}           the token backend's encode of any payload (crafted tokens)
  jwt_blacklist {refresh}        RefreshToken(refresh).blacklist(): {blacklisted: new?} | {error}
  jwt_blacklist_state {jti}      {outstanding: row | null, blacklisted}
"""
import json

from oracle_context import request_context, require_project


def _load():
    # Imported before the clock and settings are patched, so the patches find the modules.
    import rest_framework_simplejwt.authentication  # noqa: F401
    import rest_framework_simplejwt.serializers  # noqa: F401
    import rest_framework_simplejwt.state  # noqa: F401
    import rest_framework_simplejwt.tokens  # noqa: F401
    import rest_framework_simplejwt.views  # noqa: F401


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get_by_natural_key(username)


def _plain(data):
    """DRF's rendering of a response body (ErrorDetail -> text), as the JSON a client reads."""
    from rest_framework.renderers import JSONRenderer

    return json.loads(JSONRenderer().render(data))


def _view(view_name, body, req):
    require_project(view_name)
    _load()
    from rest_framework.test import APIRequestFactory
    from rest_framework_simplejwt import views

    request = APIRequestFactory().post('/', data=json.dumps(body), content_type='application/json')
    with request_context(req):
        response = getattr(views, view_name).as_view()(request)
        response.render()
        return {'status': response.status_code, 'body': json.loads(response.content) if response.content else None, 'www_authenticate': response.get('WWW-Authenticate')}


def jwt_obtain_pair(req):
    require_project('jwt_obtain_pair')
    _load()
    from rest_framework import exceptions
    from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
    from rest_framework_simplejwt.tokens import RefreshToken

    with request_context(req):
        if req.get('password') is not None:
            from django.contrib.auth import get_user_model

            field = get_user_model().USERNAME_FIELD
            serializer = TokenObtainPairSerializer(data={field: req['username'], 'password': req['password']})
            try:
                serializer.is_valid(raise_exception=True)
            except exceptions.APIException as exc:
                return {'error': {'status': exc.status_code, 'body': _plain(exc.detail if isinstance(exc.detail, (dict, list)) else {'detail': exc.detail})}}
            data = serializer.validated_data
            refresh, access = data['refresh'], data['access']
        else:
            token = RefreshToken.for_user(_user(req['username']))
            refresh, access = str(token), str(token.access_token)
        return {
            'refresh': refresh,
            'access': access,
            'refresh_payload': RefreshToken(refresh, verify=False).payload,
            'access_payload': _decode(access, 'access', False),
        }


def _decode(token, kind, verify):
    from rest_framework_simplejwt import tokens

    cls = {'access': tokens.AccessToken, 'refresh': tokens.RefreshToken, 'untyped': tokens.UntypedToken}[kind]
    return cls(token, verify=verify).payload


def jwt_refresh(req):
    return _view('TokenRefreshView', {'refresh': req['refresh']}, req)


def jwt_verify(req):
    return _view('TokenVerifyView', {'token': req['token']}, req)


def jwt_blacklist_view(req):
    return _view('TokenBlacklistView', {'refresh': req['refresh']}, req)


def jwt_authenticate(req):
    require_project('jwt_authenticate')
    _load()
    from rest_framework import exceptions
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory
    from rest_framework_simplejwt.authentication import JWTAuthentication

    from ops_project_request import header_meta

    headers = {} if req.get('header') is None else {'Authorization': req['header']}
    with request_context(req):
        auth = JWTAuthentication()
        request = Request(APIRequestFactory().get('/', **header_meta(headers)))
        try:
            result = auth.authenticate(request)
        except exceptions.APIException as exc:
            body = exc.detail if isinstance(exc.detail, (dict, list)) else {'detail': exc.detail}
            return {
                'user': None,
                'error': {'status': exc.status_code, 'body': _plain(body), 'codes': _plain(exc.get_codes())},
                'www_authenticate': auth.authenticate_header(request),
            }
        if result is None:
            return {'user': None, 'www_authenticate': auth.authenticate_header(request)}
        user, token = result
        return {'user': user.get_username(), 'claims': token.payload}


def jwt_decode(req):
    require_project('jwt_decode')
    _load()
    from rest_framework_simplejwt.exceptions import TokenError

    with request_context(req):
        try:
            return {'payload': _decode(req['token'], req.get('type', 'access'), req.get('verify', True))}
        except TokenError as exc:
            return {'error': str(exc.args[0]) if exc.args else str(exc), 'class': type(exc).__name__}


def jwt_encode(req):
    require_project('jwt_encode')
    _load()
    import rest_framework_simplejwt.state as state

    with request_context(req):
        return state.token_backend.encode(req['payload'])


def jwt_blacklist(req):
    require_project('jwt_blacklist')
    _load()
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import RefreshToken

    with request_context(req):
        try:
            _, created = RefreshToken(req['refresh']).blacklist()
        except TokenError as exc:
            return {'error': str(exc.args[0]) if exc.args else str(exc)}
        return {'blacklisted': created}


def jwt_blacklist_state(req):
    require_project('jwt_blacklist_state')
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    row = OutstandingToken.objects.filter(jti=req['jti']).first()
    if row is None:
        return {'outstanding': None, 'blacklisted': False}
    return {
        'outstanding': {
            'id': row.pk,
            'user_id': row.user_id,
            'token': row.token,
            'created_at': row.created_at.isoformat() if row.created_at else None,
            'expires_at': row.expires_at.isoformat(),
        },
        'blacklisted': BlacklistedToken.objects.filter(token=row).exists(),
    }


OPS = {
    'jwt_obtain_pair': jwt_obtain_pair,
    'jwt_refresh': jwt_refresh,
    'jwt_verify': jwt_verify,
    'jwt_blacklist_view': jwt_blacklist_view,
    'jwt_authenticate': jwt_authenticate,
    'jwt_decode': jwt_decode,
    'jwt_encode': jwt_encode,
    'jwt_blacklist': jwt_blacklist,
    'jwt_blacklist_state': jwt_blacklist_state,
}
