"""The machine API: the OAuth2 token endpoint and FHIR R4 under /fhir/r4/ (bearer tokens, no sign-in)."""

from django.urls import path, re_path
from oauth2_provider.views import TokenView

from . import views

app_name = "api"

urlpatterns = [
    path("oauth/token/", TokenView.as_view(), name="token"),
    path("fhir/r4/metadata", views.metadata, name="metadata"),
    path("fhir/r4/openapi.json", views.openapi, name="openapi"),
    path("fhir/r4/Patient/$person-info-query", views.person_info_query, name="person-info-query"),
    re_path(r"^fhir/", views.not_found, name="fhir-not-found"),  # last: any other FHIR address
]
