from django.urls import path

from . import admin_views, agency_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/password/", views.change_password, name="password"),
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.new_user, name="new-user"),
    path("users/requests/", admin_views.requests, name="requests"),
    path("users/<int:user_id>/", admin_views.user, name="user"),
    path("users/<int:user_id>/authenticator/", admin_views.reset_user_authenticator,
         name="reset-authenticator"),
    path("users/<int:user_id>/password/", admin_views.set_user_temporary_password,
         name="temporary-password"),
    path("agencies/", agency_views.agencies, name="agencies"),
    path("agencies/new/", agency_views.new_agency, name="new-agency"),
    path("agencies/<int:agency_id>/", agency_views.agency, name="agency"),
]
