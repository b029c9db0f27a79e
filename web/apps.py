from django.apps import AppConfig


class WebConfig(AppConfig):
    """The composition on top of the four apps (``docs/architecture.md``): the pages and API
    endpoints that merge several of them (the case page and its timeline, the task and
    agency pages, the case API), their URLs, and the demo loader. No models."""

    name = "web"
    verbose_name = "Simpul (halaman)"

    def ready(self) -> None:
        # The export job reads the pages' selectors (this layer): registered from here so
        # workflows.background never imports upward.
        from workflows.background import register_job

        from .export_job import run_export

        register_job("export", run_export)
