"""Cross-site websocket hijacking: only pages of our own hosts may open /ws/."""

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings


def websocket_origin_allow_list(application: Any) -> OriginValidator:
    """Channels' OriginValidator fed from ALLOWED_HOSTS, where "*" counts only in DEBUG.

    Browsers always send Origin on websockets; a request without one (not a
    browser) is refused too, unless "*" applies.
    """
    hosts = [host for host in settings.ALLOWED_HOSTS if settings.DEBUG or host != "*"]
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return OriginValidator(application, hosts)
