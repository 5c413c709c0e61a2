from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/upcoming/", views.upcoming, name="upcoming"),
    path("events/new/", views.new_event, name="new"),
    path("events/proposals/", views.proposals, name="proposals"),
    path("events/checkin/<str:token>/", views.qr_checkin, name="qr_checkin"),
    path("events/<str:occurrence_id>/", views.event_detail, name="detail"),
    path("events/<str:occurrence_id>/register/", views.register, name="register"),
    path("events/<str:occurrence_id>/unregister/", views.unregister, name="unregister"),
    path("events/<str:occurrence_id>/edit/", views.edit_event, name="edit"),
    path("events/<str:occurrence_id>/occurrence/", views.edit_occurrence, name="occurrence"),
    path("events/<str:occurrence_id>/decide/", views.decide_event, name="decide"),
    path("events/<str:occurrence_id>/cancel/", views.cancel_event, name="cancel"),
    path("events/<str:occurrence_id>/registrations/", views.registrations, name="registrations"),
    path(
        "events/<str:occurrence_id>/registrations/<int:registration_id>/check-in/",
        views.check_in_toggle,
        name="check_in",
    ),
]
