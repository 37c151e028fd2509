"""What the running Django is: its version, its hasher defaults and the features the specs branch on."""
import base64
import importlib.util
import pickle
import platform

import django
from django.conf import global_settings
from django.contrib.auth import hashers
from django.contrib.sessions import serializers
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.middleware import csrf
from django.utils import timezone
from django.utils.module_loading import import_string


def importable(name):
    return importlib.util.find_spec(name) is not None


def argon2_hash_length():
    """Bytes in the hash Django's argon2 hasher writes (argon2-cffi's default, not Django's)."""
    encoded = hashers.make_password('x', 'saltsaltsalt', 'argon2')
    raw = encoded.rsplit('$', 1)[1]
    return len(base64.b64decode(raw + '=' * (-len(raw) % 4)))


def info(req):
    scrypt = getattr(hashers, 'ScryptPasswordHasher', None)
    argon2 = hashers.Argon2PasswordHasher
    return {
        'version': django.get_version(),
        'line': '%d.%d' % django.VERSION[:2],
        'python': platform.python_version(),
        # The hashers oracle.py enabled: every built-in one this line ships, preferred first.
        'hashers': [h.algorithm for h in hashers.get_hashers()],
        'default_hashers': [import_string(path).algorithm for path in global_settings.PASSWORD_HASHERS],
        'pbkdf2_iterations': hashers.PBKDF2PasswordHasher.iterations,
        'scrypt': None if scrypt is None else {'n': scrypt.work_factor, 'r': scrypt.block_size, 'p': scrypt.parallelism},
        'argon2': {'time_cost': argon2.time_cost, 'memory_cost': argon2.memory_cost, 'parallelism': argon2.parallelism,
                   'hash_length': argon2_hash_length()},
        'bcrypt_rounds': hashers.BCryptSHA256PasswordHasher.rounds,
        'pickle_highest_protocol': pickle.HIGHEST_PROTOCOL,
        'now_tz_module': type(timezone.now().tzinfo).__module__,
        'features': {
            'default_hashing_algorithm': hasattr(global_settings, 'DEFAULT_HASHING_ALGORITHM'),
            'legacy_session_decode': hasattr(SessionBase, '_legacy_decode'),
            'secret_key_fallbacks': hasattr(global_settings, 'SECRET_KEY_FALLBACKS'),
            'csrf_cookie_masked_setting': hasattr(global_settings, 'CSRF_COOKIE_MASKED'),
            'csrf_token_format': hasattr(csrf, '_check_token_format'),
            'csrf_precise_reasons': hasattr(csrf, 'REASON_CSRF_TOKEN_MISSING'),
            'csrf_origin_check': hasattr(csrf.CsrfViewMiddleware, '_origin_verified'),
            'csrf_trusted_origins_have_scheme': hasattr(csrf.CsrfViewMiddleware, 'csrf_trusted_origins_hosts'),
            'csrf_referer_value_error_escapes': not hasattr(csrf, 'RejectRequest'),
            'csrf_urlsplit': hasattr(csrf, 'urlsplit') and not hasattr(csrf, 'urlparse'),
            'signing_b62': hasattr(signing, 'b62_encode'),
            'pickle_serializer': hasattr(serializers, 'PickleSerializer'),
            'pytz': importable('pytz'),
            'crypt_module': importable('crypt'),
        },
    }


OPS = {'version': lambda req: django.get_version(), 'django_info': info}
