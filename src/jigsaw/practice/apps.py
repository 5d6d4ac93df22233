from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "jigsaw.practice"
    label = "practice"
    verbose_name = "Practice records"
