"""The partnership figures and picture."""

from django.urls import path

from . import audit_views, picture_views, views

app_name = "insight"

urlpatterns = [
    path("aggregates/", views.aggregates_page, name="aggregates"),
    path("aggregates/export.csv", views.aggregates_csv, name="aggregates-csv"),
    path("indicators/", picture_views.picture_page, name="picture"),
    path("indicators/<slug:indicator>.svg", picture_views.picture_chart, name="chart"),
    path("indicators/export.csv", picture_views.picture_csv, name="picture-csv"),
    path("workforce-and-quality/", picture_views.quality_page, name="quality"),
    path("workforce-and-quality/export.csv", picture_views.quality_csv, name="quality-csv"),
    path("board-report/", picture_views.board_report, name="board-report"),
    path("board-report.pdf", picture_views.board_report_pdf, name="board-report-pdf"),
    path("audits/", audit_views.audits_page, name="audits"),
    path("audits/<int:programme_id>/", audit_views.programme_page, name="audit-programme"),
    path("audits/<int:programme_id>/files/<int:audit_id>/", audit_views.audit_file_page, name="audit-file"),
    path("supervision/new/", audit_views.supervision_page, name="supervision-new"),
]
