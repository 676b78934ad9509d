import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")

application = get_wsgi_application()

from bidscript.checks import refuse_to_start_unless_ready  # noqa: E402 - needs the apps loaded

refuse_to_start_unless_ready()
