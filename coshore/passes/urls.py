from django.urls import path

from . import views

app_name = "passes"
urlpatterns = [
    path("passes/", views.my_passes, name="mine"),
    path("passes/new/", views.new_pass, name="new"),
    path("passes/verify/", views.verify, name="verify"),
    path("passes/<int:pass_id>/", views.pass_detail, name="detail"),
    path("passes/<int:pass_id>/accept/", views.accept, name="accept"),
    path("passes/<int:pass_id>/decline/", views.decline, name="decline"),
    path("passes/<int:pass_id>/cancel/", views.cancel, name="cancel"),
    path("spaces/<slug:slug>/passes/", views.incoming, name="incoming"),
    path("networks/<slug:slug>/passes/", views.dashboard, name="dashboard"),
    path("networks/<slug:slug>/passes/terms/", views.update_terms, name="terms"),
    path("networks/<slug:slug>/passes/blackouts/", views.add_blackout, name="blackout_add"),
    path(
        "networks/<slug:slug>/passes/blackouts/<int:blackout_id>/delete/",
        views.remove_blackout,
        name="blackout_remove",
    ),
]
