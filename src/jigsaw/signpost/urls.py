"""Finding a child, and the link review queue."""

from django.urls import path

from . import review_views, search_views

app_name = "signpost"

urlpatterns = [
    path("search/", search_views.search_page, name="search"),
    path("review/", review_views.review_queue, name="link-review"),
]
