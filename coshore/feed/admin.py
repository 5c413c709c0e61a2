from django.contrib import admin

from .models import Comment, FeedPost, Reaction, Report


@admin.register(FeedPost)
class FeedPostAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "space", "network", "created_at", "pinned_at", "hidden_at")
    list_filter = ("hidden_at", "pinned_at")
    raw_id_fields = ("author", "space", "network", "pinned_by", "hidden_by")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "author", "created_at", "hidden_at")
    raw_id_fields = ("post", "author", "hidden_by")


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "emoji", "post", "comment")
    raw_id_fields = ("user", "post", "comment")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "reporter", "reason", "status", "post", "comment", "created_at")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "post", "comment", "handled_by")
