from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jigsaw.audit"
    label = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
