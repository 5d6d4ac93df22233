"""Practice records on a child's page, and the partnership's practice figures."""

from django.urls import path

from . import disagreement_views, meeting_views, report_views, views

app_name = "practice"

urlpatterns = [
    path("children/<int:person_id>/practice/", views.overview, name="overview"),
    path("children/<int:person_id>/practice/sharing/", views.sharing, name="sharing"),
    path("children/<int:person_id>/practice/voice/", views.voice, name="voice"),
    path(
        "children/<int:person_id>/practice/disagreements/new/",
        disagreement_views.new,
        name="disagreement-new",
    ),
    path(
        "children/<int:person_id>/practice/disagreements/<int:disagreement_id>/",
        disagreement_views.detail,
        name="disagreement",
    ),
    path("children/<int:person_id>/practice/meetings/new/", meeting_views.new, name="meeting-new"),
    path(
        "children/<int:person_id>/practice/meetings/<int:meeting_id>/", meeting_views.detail, name="meeting"
    ),
    path("practice/figures/", report_views.figures, name="figures"),
]
