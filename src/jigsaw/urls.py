"""URL routes."""

from django.urls import include, path

urlpatterns = [path("", include("jigsaw.web.urls"))]
