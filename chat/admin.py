from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chat.models import Conversation
from chat.models import Message


class ReadOnlyAdmin(admin.ModelAdmin):
    """Support staff may read chats to help a customer; nobody edits them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("created_at", "role", "content", "provider", "model", "latency_ms", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "company", "user", "project", "last_message_at", "created_at")
    list_filter = (("project", admin.EmptyFieldListFilter),)
    search_fields = ("title", "user__email", "company__name", "project__name")
    list_select_related = ("company", "user", "project")
    inlines = (MessageInline,)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "conversation",
        "role",
        "provider",
        "latency_ms",
        "error",
        "created_at",
    )
    list_filter = ("role", "provider", ("error", admin.EmptyFieldListFilter))
    search_fields = ("content", "conversation__title", "conversation__user__email")
    list_select_related = ("conversation",)
    exclude = ("document_ids",)
    readonly_fields = ("conversation", "role", "content", "citations", "provider", "model", "latency_ms",
                       "first_token_ms", "prompt_tokens", "completion_tokens", "error", "created_at")  # fmt: skip
