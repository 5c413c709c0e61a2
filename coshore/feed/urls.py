from django.urls import path

from . import views

app_name = "feed"
urlpatterns = [
    path("feed/", views.index, name="index"),
    path("feed/preview/", views.preview, name="preview"),
    path("feed/reports/", views.report_queue, name="reports"),
    path(
        "feed/reports/<int:report_id>/resolve/",
        views.handle_report,
        {"action": "resolve"},
        name="resolve_report",
    ),
    path(
        "feed/reports/<int:report_id>/dismiss/",
        views.handle_report,
        {"action": "dismiss"},
        name="dismiss_report",
    ),
    path("feed/posts/<int:post_id>/", views.post_detail, name="post"),
    path("feed/posts/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("feed/posts/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("feed/posts/<int:post_id>/comments/", views.add_comment, name="comment"),
    path("feed/posts/<int:post_id>/react/", views.react_post, name="react_post"),
    path("feed/posts/<int:post_id>/report/", views.report_post, name="report_post"),
    path("feed/posts/<int:post_id>/pin/", views.pin_post, name="pin_post"),
    path("feed/posts/<int:post_id>/hide/", views.hide_post, name="hide_post"),
    path("feed/posts/<int:post_id>/unhide/", views.unhide_post, name="unhide_post"),
    path("feed/comments/<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("feed/comments/<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("feed/comments/<int:comment_id>/react/", views.react_comment, name="react_comment"),
    path("feed/comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("feed/comments/<int:comment_id>/hide/", views.hide_comment, name="hide_comment"),
    path("feed/comments/<int:comment_id>/unhide/", views.unhide_comment, name="unhide_comment"),
    path("spaces/<slug:slug>/feed/", views.space_feed, name="space"),
    path("networks/<slug:slug>/feed/", views.network_feed, name="network"),
]
