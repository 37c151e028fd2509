"""Asks Django how it names a custom AUTH_USER_MODEL's tables and join columns (a script of its own, not an oracle op:
it configures settings itself).

stdin: JSON list of {"app_label", "object_name", "db_table" (or null)}; stdout: JSON list of
{"table", "groups_table", "groups_column", "permissions_table", "permissions_column"}, as
Django's Options and create_many_to_many_intermediary_model compute them (SQLite: no truncation).
"""
import json
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
)
django.setup()

from django.contrib.auth.models import AbstractUser  # noqa: E402


def names(spec):
    meta = {'app_label': spec['app_label']}
    if spec.get('db_table'):
        meta['db_table'] = spec['db_table']
    model = type(spec['object_name'], (AbstractUser,), {'__module__': __name__, 'Meta': type('Meta', (), meta)})
    out = {'table': model._meta.db_table}
    for field, key in (('groups', 'groups'), ('user_permissions', 'permissions')):
        through = model._meta.get_field(field).remote_field.through
        fk = [f for f in through._meta.local_fields if f.is_relation and f.related_model is model][0]
        out[key + '_table'] = through._meta.db_table
        out[key + '_column'] = fk.column
    return out


print(json.dumps([names(spec) for spec in json.load(sys.stdin)]))
