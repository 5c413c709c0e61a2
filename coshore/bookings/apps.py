from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "coshore.bookings"
    label = "bookings"
