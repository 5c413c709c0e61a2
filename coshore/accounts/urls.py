from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/check-email/", views.check_email, name="check_email"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<slug:slug>/people/",
        views.organisation_add_person,
        name="organisation_add_person",
    ),
]
