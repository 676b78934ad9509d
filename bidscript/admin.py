from django.contrib import admin

from bidscript.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("queue", "requested_at", "answered_at", "answered_by")
    readonly_fields = ("queue", "requested_at", "answered_at", "answered_by")

    def has_add_permission(self, request: object) -> bool:
        return False
