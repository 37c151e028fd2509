"""django.utils.crypto and the base62 timestamps of django.core.signing."""
import hashlib

from django.core import signing
from django.utils.crypto import constant_time_compare, pbkdf2, salted_hmac

if hasattr(signing, 'b62_encode'):  # 4.0+
    b62_encode, b62_decode = signing.b62_encode, signing.b62_decode
else:  # 3.2: django.utils.baseconv (removed in 5.0)
    from django.utils import baseconv
    b62_encode, b62_decode = baseconv.base62.encode, baseconv.base62.decode


def op_salted_hmac(req):
    return salted_hmac(req['salt'], req['value'], secret=req['secret'], algorithm=req['algorithm']).digest()


def op_pbkdf2(req):
    return pbkdf2(req['password'], req['salt'], req['iterations'], dklen=req.get('dklen', 0),
                  digest=getattr(hashlib, req.get('digest', 'sha256')))


OPS = {
    'salted_hmac': op_salted_hmac,
    'pbkdf2': op_pbkdf2,
    'b62_encode': lambda req: b62_encode(req['n']),
    'b62_decode': lambda req: b62_decode(req['s']),
    'constant_time_compare': lambda req: constant_time_compare(req['a'], req['b']),
}
