"""Session engine equal to django-php-bridge's db backend: session_data holds PHP's serialize()
of the session dict as plain text (no signature, no compression), so PHP can read it too."""
import phpserialize
from django.contrib.sessions.backends.db import SessionStore as DBStore


def _str_keys(value):
    if isinstance(value, dict):
        return {str(k): _str_keys(v) for k, v in value.items()}
    return value


class SessionStore(DBStore):
    def encode(self, session_dict):
        # phpserialize.dumps returns bytes; store text (a TextField), not "b'...'".
        return phpserialize.dumps(dict(session_dict)).decode('utf-8')

    def decode(self, session_data):
        try:
            return _str_keys(dict(phpserialize.loads(session_data.encode('utf-8'), decode_strings=True)))
        except Exception:
            # Like Django: corrupt data gives an empty session.
            return {}
