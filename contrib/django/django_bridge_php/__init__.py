"""Django side of the PHP bridge: SESSION_ENGINE = 'django_bridge_php.session'."""
