"""The auditors' access-log pages."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.audit_page, name="audit"),
    path("audit/export.csv", views.audit_csv, name="audit-csv"),
    path("audit/unusual/", views.unusual_page, name="unusual"),
]
