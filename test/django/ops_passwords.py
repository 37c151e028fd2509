"""Password hasher ground truth from the running Django (the hashers oracle.py enabled).

Where the line has no ScryptPasswordHasher (3.2), scrypt hashes are built with hashlib in the layout
4.0+ writes; where Python has no crypt module (3.13+), crypt(3) is called through ctypes.
"""
import base64
import hashlib
import warnings

from django.contrib.auth import hashers

warnings.simplefilter('ignore', DeprecationWarning)  # the crypt module (Python 3.11+), hashers 4.2 deprecates


def _salt(req):
    salt = req.get('salt')
    # Django's bcrypt hashers hand the salt to bcrypt.hashpw, which wants bytes.
    if salt and req.get('hasher') in ('bcrypt', 'bcrypt_sha256'):
        return salt.encode('ascii')
    return salt


def make_password(req):
    return hashers.make_password(req['password'], _salt(req), req.get('hasher', 'default'))


def encode(req):
    """hasher.encode(password, salt, *extra): e.g. PBKDF2 with any iteration count."""
    hasher = hashers.get_hasher(req['hasher'])
    return hasher.encode(req['password'], _salt(req), *req.get('extra', []))


def check_password(req):
    updated = []
    ok = hashers.check_password(req['password'], req['encoded'], setter=updated.append,
                                preferred=req.get('preferred', 'default'))
    return {'ok': ok, 'updated': bool(updated)}


def identify_hasher(req):
    return hashers.identify_hasher(req['encoded']).algorithm


def must_update(req):
    return hashers.get_hasher(req.get('hasher', 'default')).must_update(req['encoded'])


def safe_summary(req):
    encoded = req['encoded']
    return {str(k): v for k, v in hashers.identify_hasher(encoded).safe_summary(encoded).items()}


def crypt(req):
    try:
        import crypt as crypt_module
    except ImportError:  # removed in Python 3.13; it wrapped libcrypt's crypt()
        import ctypes
        libcrypt = ctypes.CDLL('libcrypt.so.1')
        libcrypt.crypt.restype = ctypes.c_char_p
        libcrypt.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        result = libcrypt.crypt(req['password'].encode('utf-8'), req['salt'].encode('utf-8'))
        return None if result is None else result.decode('ascii')
    return crypt_module.crypt(req['password'], req['salt'])


def _hashlib_scrypt(password, salt, n, r, p):
    """The 4.0+ scrypt layout: maxmem=0 (OpenSSL's 32 MiB default), dklen 64."""
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=0, dklen=64)
    return 'scrypt$%d$%s$%d$%d$%s' % (n, salt, r, p, base64.b64encode(digest).decode('ascii').strip())


def scrypt_encode(req):
    """Django's ScryptPasswordHasher.encode where the line has it (4.0+), else hashlib."""
    args = (req['password'], req['salt'], req['n'], req['r'], req['p'])
    if hasattr(hashers, 'ScryptPasswordHasher'):
        return hashers.ScryptPasswordHasher().encode(*args)
    return _hashlib_scrypt(*args)


def scrypt_verify(req):
    """Django's ScryptPasswordHasher.verify (4.0+), else re-encoding with the stored N, salt, r, p."""
    if hasattr(hashers, 'ScryptPasswordHasher'):
        return hashers.ScryptPasswordHasher().verify(req['password'], req['encoded'])
    _, n, salt, r, p, _ = req['encoded'].split('$', 6)
    again = _hashlib_scrypt(req['password'], salt, int(n), int(r), int(p))
    return hashers.constant_time_compare(again, req['encoded'])


OPS = {
    'pw_make_password': make_password,
    'pw_encode': encode,
    'pw_check_password': check_password,
    'pw_identify_hasher': identify_hasher,
    'pw_must_update': must_update,
    'pw_safe_summary': safe_summary,
    'pw_crypt': crypt,
    'pw_scrypt_encode': scrypt_encode,
    'pw_scrypt_verify': scrypt_verify,
}
