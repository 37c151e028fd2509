"""What the credential ops (ops_drf, ops_jwt, ops_password_reset) share: a frozen clock and
per-request SimpleJWT settings, for one request at a time inside one oracle process.

SimpleJWT reads its settings at import time in several places (each module's `api_settings`, the
token classes' `lifetime`, `state.token_backend`, the header types of `authentication`), so
override_settings(SIMPLE_JWT=...) alone would leave most of it on the old values: `simplejwt`
patches every one of those for the duration of a request.
"""
import contextlib
import datetime
import importlib
import sys
import warnings
from unittest import mock

UTC = datetime.timezone.utc


def frozen_clock(now):
    """Django's timezone.now, the password-reset generator, SimpleJWT's and PyJWT's clocks all read `now` (epoch seconds)."""
    if now is None:
        return contextlib.nullcontext()

    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime.fromtimestamp(now, tz)

        @classmethod
        def utcnow(cls):
            return datetime.datetime.fromtimestamp(now, UTC).replace(tzinfo=None)

    def django_now():
        from django.conf import settings

        return datetime.datetime.fromtimestamp(now, UTC) if settings.USE_TZ else datetime.datetime.fromtimestamp(now)

    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch('django.utils.timezone.now', django_now))
    # The reset-link generator's clock: naive local time, as its datetime.now() reads it.
    stack.enter_context(mock.patch.object(PasswordResetTokenGenerator, '_now', lambda self: datetime.datetime.fromtimestamp(now)))
    stack.enter_context(mock.patch('time.time', return_value=now))
    for name in ('rest_framework_simplejwt.utils', 'jwt.api_jwt'):
        # Imported here: a module loaded later in the request (SimpleJWT loads its backend, and so
        # PyJWT, on first use) would keep the real clock.
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, 'datetime'):
            stack.enter_context(mock.patch.object(module, 'datetime', Frozen))
    return stack


def simplejwt_user_settings(overrides):
    """The project's SIMPLE_JWT with a request's overrides (SimpleJWT names; *_LIFETIME in seconds)."""
    from django.conf import settings

    values = dict(getattr(settings, 'SIMPLE_JWT', None) or {})
    for key, value in (overrides or {}).items():
        if key.endswith('_LIFETIME') and isinstance(value, (int, float)):
            value = datetime.timedelta(seconds=value)
        elif key == 'AUTH_HEADER_TYPES' and isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return values


def simplejwt(overrides):
    """Every module-level copy of SimpleJWT's settings replaced by one built from the overrides."""
    if not overrides:
        return contextlib.nullcontext()
    import rest_framework_simplejwt.authentication as authentication
    import rest_framework_simplejwt.settings as jwt_settings
    import rest_framework_simplejwt.state as state
    import rest_framework_simplejwt.tokens as tokens
    from rest_framework import HTTP_HEADER_ENCODING
    from rest_framework_simplejwt.backends import TokenBackend

    unknown = sorted(set(overrides) - set(jwt_settings.DEFAULTS))
    if unknown:
        from importlib.metadata import version

        raise ValueError('SimpleJWT %s has no setting %s' % (version('djangorestframework-simplejwt'), ', '.join(unknown)))
    fresh = jwt_settings.APISettings(simplejwt_user_settings(overrides), jwt_settings.DEFAULTS, jwt_settings.IMPORT_STRINGS)
    stack = contextlib.ExitStack()
    for name, module in list(sys.modules.items()):
        if name.startswith('rest_framework_simplejwt') and module is not None and getattr(module, 'api_settings', None) is not None:
            stack.enter_context(mock.patch.object(module, 'api_settings', fresh))
    header_types = fresh.AUTH_HEADER_TYPES
    if not isinstance(header_types, (list, tuple)):
        header_types = (header_types,)
    stack.enter_context(mock.patch.object(authentication, 'AUTH_HEADER_TYPES', header_types))
    stack.enter_context(mock.patch.object(authentication, 'AUTH_HEADER_TYPE_BYTES', {h.encode(HTTP_HEADER_ENCODING) for h in header_types}))
    for cls, setting in ((tokens.AccessToken, 'ACCESS_TOKEN_LIFETIME'), (tokens.RefreshToken, 'REFRESH_TOKEN_LIFETIME'), (tokens.SlidingToken, 'SLIDING_TOKEN_LIFETIME')):
        stack.enter_context(mock.patch.object(cls, 'lifetime', getattr(fresh, setting)))
    # RefreshToken's claims not copied into its access token name the type and jti claims of import time.
    kept = tuple(c for c in tokens.RefreshToken.no_copy_claims[4:])
    stack.enter_context(mock.patch.object(tokens.RefreshToken, 'no_copy_claims', (fresh.TOKEN_TYPE_CLAIM, 'exp', fresh.JTI_CLAIM, 'jti') + kept))
    # serializers imports BlacklistedToken only when BLACKLIST_AFTER_ROTATION was on at import time.
    import rest_framework_simplejwt.serializers as serializers
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    stack.enter_context(mock.patch.object(serializers, 'BlacklistedToken', BlacklistedToken, create=True))
    backend = TokenBackend(
        fresh.ALGORITHM, fresh.SIGNING_KEY, fresh.VERIFYING_KEY, fresh.AUDIENCE, fresh.ISSUER, fresh.JWK_URL, fresh.LEEWAY, fresh.JSON_ENCODER,
    )
    stack.enter_context(mock.patch.object(state, 'token_backend', backend))
    return stack


@contextlib.contextmanager
def request_context(req, django_settings=None):
    """Frozen clock (req['now']), Django settings (override_settings) and SimpleJWT overrides (req['jwt'])."""
    from django.test.utils import override_settings

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # 3.2's DEFAULT_HASHING_ALGORITHM, 3.12's utcnow
        with frozen_clock(req.get('now')):
            with override_settings(**(django_settings or {})):
                with simplejwt(req.get('jwt')):
                    yield


def require_project(op):
    """DRF's and SimpleJWT's tables exist only in project mode (the oracle's own settings lack the apps)."""
    from django.conf import settings

    if 'rest_framework.authtoken' not in settings.INSTALLED_APPS:
        raise RuntimeError('%s needs the test project: call it through djangoProjectBatch(project, ...) in oracle.ts' % op)
