from django.apps import AppConfig


class SignpostConfig(AppConfig):
    name = "jigsaw.signpost"
    label = "signpost"
    verbose_name = "Signposting index"
