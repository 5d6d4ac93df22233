from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "jigsaw.alerts"
    label = "alerts"
    verbose_name = "Alerts"
