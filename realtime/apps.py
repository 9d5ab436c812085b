from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("Realtime")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from realtime.signals import close_sockets_on_sign_out

        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="realtime.sign_out")
