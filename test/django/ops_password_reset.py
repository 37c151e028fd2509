"""Ground truth for Django's password-reset links (django.contrib.auth.tokens.PasswordResetTokenGenerator
and the uidb64 of PasswordResetConfirmView). Runs in both oracle modes.

The user is {"username"} (project mode: read from the project's database) or {"user": {"pk",
"password", "last_login" (epoch ms or null), "email"}} (an unsaved user; any mode). "now" is epoch
seconds: the generator's clock (datetime.now(), the process's local time, i.e. TIME_ZONE in project
mode). "settings" may hold SECRET_KEY, SECRET_KEY_FALLBACKS (4.1+), PASSWORD_RESET_TIMEOUT and
DEFAULT_HASHING_ALGORITHM (3.1/3.2); a setting the line lacks is refused.

  password_reset_make {user|username, now?, settings?}          {uidb64, token, timestamp}
  password_reset_check {user|username, token, now?, settings?}  true | false
  password_reset_uidb64 {pk}       urlsafe_base64_encode(force_bytes(pk))
  password_reset_user {uidb64}     PasswordResetConfirmView.get_user's answer: the pk, or null (project mode)
"""
import datetime

from django.conf import global_settings

from oracle_context import request_context

HAS_FALLBACKS = hasattr(global_settings, 'SECRET_KEY_FALLBACKS')
HAS_ALGORITHM_SETTING = hasattr(global_settings, 'DEFAULT_HASHING_ALGORITHM')
KNOWN = {'SECRET_KEY', 'SECRET_KEY_FALLBACKS', 'PASSWORD_RESET_TIMEOUT', 'DEFAULT_HASHING_ALGORITHM'}


def _settings(req):
    values = dict(req.get('settings') or {})
    unknown = sorted(set(values) - KNOWN)
    if unknown:
        raise ValueError('password_reset settings are %s, not %s' % (', '.join(sorted(KNOWN)), ', '.join(unknown)))
    if 'SECRET_KEY_FALLBACKS' in values and not HAS_FALLBACKS:
        raise ValueError('SECRET_KEY_FALLBACKS does not exist on this line (4.1+)')
    if 'DEFAULT_HASHING_ALGORITHM' in values and not HAS_ALGORITHM_SETTING:
        raise ValueError('DEFAULT_HASHING_ALGORITHM does not exist on this line (3.1/3.2 only)')
    return values


def _user(req):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if req.get('username') is not None:
        return User._default_manager.get_by_natural_key(req['username'])
    spec = req['user']
    user = User(pk=spec['pk'], password=spec.get('password', ''), email=spec.get('email', ''))
    if spec.get('last_login') is not None:
        from django.conf import settings

        when = datetime.datetime.fromtimestamp(spec['last_login'] / 1000, datetime.timezone.utc)
        user.last_login = when if settings.USE_TZ else when.replace(tzinfo=None)
    return user


def _generator(req):
    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    # Made inside the settings: 3.2 reads SECRET_KEY here. Its clock is request_context's.
    return PasswordResetTokenGenerator()


def password_reset_make(req):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    with request_context({'now': req.get('now')}, _settings(req)):
        user = _user(req)
        generator = _generator(req)
        token = generator.make_token(user)
        return {'uidb64': urlsafe_base64_encode(force_bytes(user.pk)), 'token': token, 'timestamp': generator._num_seconds(generator._now())}


def password_reset_check(req):
    with request_context({'now': req.get('now')}, _settings(req)):
        return _generator(req).check_token(_user(req), req['token'])


def password_reset_uidb64(req):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(req['pk']))


def password_reset_user(req):
    from oracle_context import require_project

    require_project('password_reset_user')
    from bridge_site.credential_views import reset_user

    user = reset_user(req['uidb64'])
    return None if user is None else user.pk


OPS = {
    'password_reset_make': password_reset_make,
    'password_reset_check': password_reset_check,
    'password_reset_uidb64': password_reset_uidb64,
    'password_reset_user': password_reset_user,
}
