from django.urls import path

from . import views

app_name = "wall"
urlpatterns = [
    path("wall/", views.public_wall, name="public"),
    path("wall/new/", views.new_post, name="new"),
    path("wall/mine/", views.my_posts, name="mine"),
    path("wall/matches/", views.my_matches, name="matches"),
    path("wall/suggest/", views.suggest, name="suggest"),
    path("wall/threads/", views.my_threads, name="threads"),
    path("wall/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("wall/posts/<int:post_id>/", views.post_detail, name="post"),
    path("wall/posts/<int:post_id>/edit/", views.edit_post, name="edit"),
    path("wall/posts/<int:post_id>/close/", views.close_post, name="close"),
    path("wall/posts/<int:post_id>/renew/", views.renew_post, name="renew"),
    path("spaces/<slug:slug>/wall/", views.space_wall, name="space"),
    path("spaces/<slug:slug>/wall/screen/", views.screen, name="screen"),
    path("spaces/<slug:slug>/wall/screen/cards/", views.screen_cards, name="screen_cards"),
    path("spaces/<slug:slug>/wall/screen/settings/", views.screen_settings, name="screen_settings"),
    path("networks/<slug:slug>/wall/", views.network_wall, name="network"),
]
