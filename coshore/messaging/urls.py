from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.conversation_list, name="list"),
    path("messages/nav/", views.nav, name="nav"),
    path("messages/<int:conversation_id>/", views.thread, name="thread"),
    path("messages/<int:conversation_id>/new/", views.poll, name="poll"),
    path("messages/with/<int:user_id>/", views.start, name="start"),
    path("messages/block/<int:user_id>/", views.block, name="block"),
    path("messages/unblock/<int:user_id>/", views.unblock, name="unblock"),
]
