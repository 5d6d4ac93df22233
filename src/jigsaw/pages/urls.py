from django.urls import path

from . import aggregates_views, audit_views, child_views, override_views, search_views, work_views

app_name = "pages"

urlpatterns = [
    path("search/", search_views.search_page, name="search"),
    path("children/<int:person_id>/", child_views.child_page, name="child"),
    path("children/<int:person_id>/chronology.<str:fmt>", child_views.chronology_export,
         name="chronology-export"),
    path("children/<int:person_id>/override/", override_views.override, name="child-override"),
    path("alerts/", work_views.alert_queue, name="alerts"),
    path("alerts/<int:alert_id>/", work_views.alert_page, name="alert"),
    path("review/", work_views.review_queue, name="reviews"),
    path("audit/", audit_views.audit_page, name="audit"),
    path("audit/export.csv", audit_views.audit_csv, name="audit-csv"),
    path("aggregates/", aggregates_views.aggregates_page, name="aggregates"),
    path("aggregates/export.csv", aggregates_views.aggregates_csv, name="aggregates-csv"),
]
