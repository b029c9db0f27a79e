"""The project's own app config: registers the system checks of ``config.checks``."""

from django.apps import AppConfig


class SimpulConfig(AppConfig):
    name = "config"
    label = "simpul_config"
    verbose_name = "Simpul"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the checks)
