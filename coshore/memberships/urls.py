"""Pages of plans, day passes and credits."""

from django.urls import path

from . import views

app_name = "memberships"
urlpatterns = [
    path("spaces/<slug:slug>/plans/", views.plans, name="plans"),
    path("spaces/<slug:slug>/plans/day-pass/", views.buy_day_pass, name="buy_day_pass"),
    path("spaces/<slug:slug>/plans/credit-pack/", views.buy_credit_pack, name="buy_credit_pack"),
    path("spaces/<slug:slug>/plans/new/", views.create_plan, name="create_plan"),
    path("spaces/<slug:slug>/plans/members/", views.add_member, name="add_member"),
    path("spaces/<slug:slug>/day-passes/<int:pass_id>/", views.day_pass, name="day_pass"),
    path(
        "spaces/<slug:slug>/day-passes/<int:pass_id>/book-desk/",
        views.book_desk,
        name="book_desk",
    ),
    path("me/memberships/", views.my_plans, name="mine"),
]
