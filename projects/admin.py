from django.contrib import admin

from projects.models import Project
from projects.models import ProjectMember
from projects.models import Theme


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ("user",)


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ("position", "title", "description")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "client_name", "status", "due_at", "owner", "deleted_at")
    list_filter = ("status", ("deleted_at", admin.EmptyFieldListFilter), "company")
    search_fields = ("name", "client_name", "reference", "company__name", "owner__email")
    date_hierarchy = "due_at"
    autocomplete_fields = ("company", "owner")
    readonly_fields = ("created_at", "updated_at")
    list_select_related = ("company", "owner")
    inlines = (ProjectMemberInline, ThemeInline)


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "project__name")
    autocomplete_fields = ("user", "project")
    list_select_related = ("user", "project")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "position")
    search_fields = ("title", "project__name")
    autocomplete_fields = ("project",)
    list_select_related = ("project",)
