from django.apps import AppConfig


class SignpostConfig(AppConfig):
    name = "jigsaw.signpost"
    label = "signpost"
    verbose_name = "Signposting index"

    def ready(self) -> None:
        # the audit pages' questions about people (jigsaw.audit.people): the log cannot import us
        from jigsaw.audit import people

        from .named import people_named
        from .scope import agencies_involved

        people.provide(people_named=people_named, agencies_involved=agencies_involved)
