from django.contrib import admin

from realtime.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("space", "seq", "type", "created_at")
    list_filter = ("type", "space")
    readonly_fields = ("space", "seq", "type", "payload", "created_at")
