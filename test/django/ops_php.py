"""PHP serialize ground truth: Python's phpserialize 1.3 (what django-php-bridge runs) and repr(bytes).

Values cross from TS in a tagged form (see php-serializer.interop.spec.ts):
{"$int": "123"} a Python int of any size, {"$float": "1.5"|"inf"|"-0.0"} a float,
{"$dict": [[key, value], ...]} a dict with int or str keys; JSON lists are lists, objects str-keyed dicts.
Results come back tagged the same way, floats as their 8 IEEE bytes in hex so nothing is lost.
"""
import struct

import phpserialize


def build(value):
    if isinstance(value, dict):
        if set(value) == {'$int'}:
            return int(value['$int'])
        if set(value) == {'$float'}:
            return float(value['$float'])
        if set(value) == {'$dict'}:
            return {build(k): build(v) for k, v in value['$dict']}
        return {k: build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    return value


def describe(value):
    """phpserialize.loads output, tagged: arrays keep their int/str keys in order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {'$int': str(value)}
    if isinstance(value, float):
        return {'$float': struct.pack('>d', value).hex()}
    if isinstance(value, bytes):
        return value
    if isinstance(value, dict):
        return {'$dict': [[k if isinstance(k, str) else {'$int': str(k)}, describe(v)] for k, v in value.items()]}
    raise TypeError('unexpected %r' % type(value))


def php_bridge_dumps(req):
    return phpserialize.dumps(build(req['value']))


def php_bridge_loads(req):
    return describe(phpserialize.loads(req['data'], decode_strings=True))


def php_bridge_bytes_repr(req):
    # What Django's TextField stores when django-php-bridge's encode() hands it bytes on Python 3.
    return str(req['data'])


OPS = {
    'php_bridge_dumps': php_bridge_dumps,
    'php_bridge_loads': php_bridge_loads,
    'php_bridge_bytes_repr': php_bridge_bytes_repr,
}
