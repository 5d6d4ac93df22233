from django.urls import path

from . import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.new_user, name="new-user"),
]
