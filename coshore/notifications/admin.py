from django.contrib import admin

from .models import DigestRun, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "topic", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("topic", "email_mode")
    search_fields = ("title", "recipient__email")
    raw_id_fields = ("recipient", "actor")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "topic", "email")
    raw_id_fields = ("user",)


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ("user", "sent_at")
    raw_id_fields = ("user",)
