"""The partnership figures."""

from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("aggregates/", views.aggregates_page, name="aggregates"),
    path("aggregates/export.csv", views.aggregates_csv, name="aggregates-csv"),
]
