"""The project's own app config: registers the system checks of ``config.checks`` and starts
the session clock of ``config.security`` at each browser sign-in."""

from django.apps import AppConfig


class SimpulConfig(AppConfig):
    name = "config"
    label = "simpul_config"
    verbose_name = "Simpul"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from config import checks  # noqa: F401  (registers the checks)
        from config.security import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="simpul-session-clock")
