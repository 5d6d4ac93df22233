"""A child's page, its chronology exports and break glass for a shielded child."""

from django.urls import path

from . import child_views, override_views

app_name = "chronology"

urlpatterns = [
    path("children/<int:person_id>/", child_views.child_page, name="child"),
    path("children/<int:person_id>/chronology.<str:fmt>", child_views.chronology_export,
         name="chronology-export"),
    path("children/<int:person_id>/override/", override_views.override, name="child-override"),
]
