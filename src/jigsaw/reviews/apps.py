from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "jigsaw.reviews"
    label = "reviews"
    verbose_name = "Case reviews"
