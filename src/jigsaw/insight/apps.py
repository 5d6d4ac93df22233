from django.apps import AppConfig


class InsightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jigsaw.insight"
    label = "insight"
    verbose_name = "Partnership figures"
