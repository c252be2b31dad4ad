from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Stop the web application at start-up, not at its first request, without a key."""
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY fehlt. Setzen Sie SECRET_KEY oder DEBUG=1. / SECRET_KEY is missing."
        )
