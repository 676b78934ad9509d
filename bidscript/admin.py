from django.contrib import admin

from bidscript.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "queues", "started_at", "seen_at")
    readonly_fields = list_display
    ordering = ("-seen_at",)

    def has_add_permission(self, request: object) -> bool:
        return False
