"""Password hasher ground truth from Django 3.2 (hashers listed in oracle.py's PASSWORD_HASHERS).

Formats that only newer Django writes (scrypt, later PBKDF2 counts) are built here with hashlib in
exactly the layout Django 4.0+ uses, since 3.2 has no such hasher.
"""
import base64
import hashlib
import warnings

from django.contrib.auth import hashers

warnings.simplefilter('ignore', DeprecationWarning)  # the crypt module, in Python 3.11+


def _salt(req):
    salt = req.get('salt')
    # 3.2's bcrypt hashers hand the salt to bcrypt.hashpw, which wants bytes.
    if salt and req['hasher'] in ('bcrypt', 'bcrypt_sha256'):
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
    import crypt as crypt_module
    return crypt_module.crypt(req['password'], req['salt'])


def scrypt_encode(req):
    """Django 4.0+'s ScryptPasswordHasher.encode: maxmem=0 (OpenSSL's 32 MiB default), dklen 64."""
    password, salt, n, r, p = req['password'], req['salt'], req['n'], req['r'], req['p']
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=0, dklen=64)
    return 'scrypt$%d$%s$%d$%d$%s' % (n, salt, r, p, base64.b64encode(digest).decode('ascii').strip())


def scrypt_verify(req):
    """Django 4.0+'s ScryptPasswordHasher.verify, rebuilt: re-encode with the stored N, salt, r, p."""
    algorithm, n, salt, r, p, _ = req['encoded'].split('$', 6)
    again = scrypt_encode({'password': req['password'], 'salt': salt, 'n': int(n), 'r': int(r), 'p': int(p)})
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
