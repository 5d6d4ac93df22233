from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jigsaw.api"
    label = "api"
    verbose_name = "Machine API"
