"""WSGI entry point for gunicorn (``sori serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sori.config.settings")
application = get_wsgi_application()
