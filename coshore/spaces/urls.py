from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "spaces"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="spaces:search", query_string=True), name="home"),
    path("spaces/", views.search, name="search"),
    path("spaces/results/", views.results, name="results"),
    path("spaces/<slug:slug>/", views.space_detail, name="detail"),
    path("spaces/<slug:slug>/edit/", views.space_edit, name="edit"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
    path("networks/<slug:slug>/spaces/add/", views.network_add_space, name="network_add_space"),
    path(
        "networks/<slug:slug>/spaces/<slug:space_slug>/remove/",
        views.network_remove_space,
        name="network_remove_space",
    ),
]
