from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("case-reviews/", views.review_list, name="list"),
    path("case-reviews/new/", views.review_new, name="new"),
    path("case-reviews/board/", views.board_page, name="board"),
    path("case-reviews/themes/", views.themes_page, name="themes"),
    path("case-reviews/<int:review_id>/", views.review_page, name="review"),
    path("case-reviews/<int:review_id>/redaction/", views.redaction_page, name="redaction"),
    path("case-reviews/<int:review_id>/pack.json", views.pack_export, name="pack"),
]
