"""A database session engine whose session_data is PHP's serialize() of the session array, so that
PHP (contrib/php's DjangoSessionHandler) and the Nest bridge (sessionSerializer 'php') share
sessions with Django through django_session.

It is django-php-bridge's db backend made to work on Python 3:
  * rows are stored as text, not as str(bytes): the old backend wrote the literal b'a:...';
  * such b'a:...' rows are still read;
  * PHP arrays whose keys are exactly 0..n-1 become lists, other keys become strings (as the Nest
    bridge reads them);
  * objects, references and anything malformed make an empty session, as corrupt data does in
    Django, never an error page.
Requires phpserialize (Debian: python3-phpserialize).

    SESSION_ENGINE = 'django_bridge_php.session'
    SESSION_COOKIE_NAME = 'PHPSESSID'
"""
import ast
import logging

import phpserialize
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation


class SuspiciousSession(SuspiciousOperation):
    pass


def _array(items):
    """phpserialize's array_hook: a list for 0..n-1 keys in order, else a dict with str keys."""
    items = list(items)
    if all(key == index for index, (key, _) in enumerate(items)):
        return [value for _, value in items]
    return {str(key): value for key, value in items}


def _stored_bytes(session_data):
    text = session_data if isinstance(session_data, str) else session_data.decode('utf-8')
    if text[:2] in ("b'", 'b"'):
        value = ast.literal_eval(text)  # a bytes literal only; anything else fails below
        if not isinstance(value, bytes):
            raise ValueError('not a bytes literal')
        return value
    return text.encode('utf-8')


class SessionStore(DBStore):
    def encode(self, session_dict):
        return phpserialize.dumps(dict(session_dict)).decode('utf-8')

    def decode(self, session_data):
        try:
            data = _stored_bytes(session_data)
            if not data.startswith(b'a:'):
                raise ValueError('session data is not a PHP array')
            session = phpserialize.loads(data, decode_strings=True, array_hook=_array)
            if isinstance(session, list):
                session = {str(i): v for i, v in enumerate(session)}
            return session
        except Exception as exc:
            logger = logging.getLogger('django.security.%s' % SuspiciousSession.__name__)
            logger.warning('Session data corrupted (%s)', type(exc).__name__)
            return {}
