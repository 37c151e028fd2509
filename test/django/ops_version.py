import django

OPS = {'version': lambda req: django.get_version()}
