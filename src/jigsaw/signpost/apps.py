from django.apps import AppConfig


class SignpostConfig(AppConfig):
    name = "jigsaw.signpost"
    label = "signpost"
    verbose_name = "Signposting index"

    def ready(self) -> None:
        from django.conf import settings

        from jigsaw.identity import linkage

        linkage.configure(settings.JIGSAW_LINK_THREADS, settings.JIGSAW_LINK_MEMORY,
                          settings.JIGSAW_LINK_CHUNKS)
