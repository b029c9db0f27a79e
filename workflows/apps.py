from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = _("Alur kerja")

    def ready(self) -> None:
        import os
        import sys

        from . import signals  # noqa: F401  (due dates follow days off and deadline rules)
        from .background import start_embedded_scheduler

        # Only in the serving process: not in the autoreloader's parent, nor in commands.
        serving = "runserver" in sys.argv and os.environ.get("RUN_MAIN") == "true"
        if serving or os.environ.get("SIMPUL_SCHEDULER") == "1":
            start_embedded_scheduler()
