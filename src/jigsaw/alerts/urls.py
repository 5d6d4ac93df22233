"""The alert queue and an alert's page."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.alert_queue, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_page, name="alert"),
]
