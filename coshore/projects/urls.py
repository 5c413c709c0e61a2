from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.my_projects, name="mine"),
    path("projects/gallery/", views.gallery, name="gallery"),
    path(
        "projects/invitations/<int:invitation_id>/accept/",
        views.accept_invitation,
        name="invitation_accept",
    ),
    path(
        "projects/invitations/<int:invitation_id>/decline/",
        views.decline_invitation,
        name="invitation_decline",
    ),
    path("projects/<int:project_id>/", views.project_detail, name="detail"),
    path("projects/<int:project_id>/edit/", views.edit_project, name="edit"),
    path("projects/<int:project_id>/invite/", views.invite, name="invite"),
    path(
        "projects/<int:project_id>/invitations/<int:invitation_id>/withdraw/",
        views.withdraw,
        name="invitation_withdraw",
    ),
    path("projects/<int:project_id>/agreement/", views.agreement, name="agreement"),
    path("projects/<int:project_id>/agreement/propose/", views.propose, name="propose"),
    path("projects/<int:project_id>/agreement/accept/", views.accept, name="agreement_accept"),
    path("projects/<int:project_id>/board/", views.board, name="board"),
    path("projects/<int:project_id>/board/add/", views.add_task, name="task_add"),
    path("projects/<int:project_id>/board/<int:task_id>/move/", views.move_task, name="task_move"),
    path("projects/<int:project_id>/thread/", views.thread, name="thread"),
    path("projects/<int:project_id>/time/", views.time, name="time"),
    path(
        "projects/<int:project_id>/time/<int:entry_id>/approve/",
        views.approve_time,
        name="time_approve",
    ),
    path(
        "projects/<int:project_id>/time/<int:entry_id>/decline/",
        views.decline_time,
        name="time_decline",
    ),
    path("projects/<int:project_id>/money/", views.money, name="money"),
    path("projects/<int:project_id>/money/payments/", views.record_payment, name="payment_add"),
    path("projects/<int:project_id>/close/", views.close, name="close"),
    path("projects/<int:project_id>/gallery/", views.gallery_consent, name="gallery_consent"),
    path("projects/<int:project_id>/statement/<int:user_id>/", views.statement, name="statement"),
    path(
        "projects/<int:project_id>/statement/<int:user_id>.csv",
        views.statement_csv,
        name="statement_csv",
    ),
]
