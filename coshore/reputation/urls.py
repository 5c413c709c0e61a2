from django.urls import path

from . import views

app_name = "reputation"
urlpatterns = [
    path("projects/<int:project_id>/endorse/", views.endorse, name="endorse"),
]
