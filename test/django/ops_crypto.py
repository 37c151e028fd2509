"""django.utils.crypto and baseconv ground truth."""
from django.utils import baseconv
from django.utils.crypto import constant_time_compare, pbkdf2, salted_hmac
import hashlib


def op_salted_hmac(req):
    return salted_hmac(req['salt'], req['value'], secret=req['secret'], algorithm=req['algorithm']).digest()


def op_pbkdf2(req):
    return pbkdf2(req['password'], req['salt'], req['iterations'], dklen=req.get('dklen', 0),
                  digest=getattr(hashlib, req.get('digest', 'sha256')))


OPS = {
    'salted_hmac': op_salted_hmac,
    'pbkdf2': op_pbkdf2,
    'b62_encode': lambda req: baseconv.base62.encode(req['n']),
    'constant_time_compare': lambda req: constant_time_compare(req['a'], req['b']),
}
