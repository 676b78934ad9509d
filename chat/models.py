from typing import Any
from typing import Self

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Company
from accounts.models import Membership
from accounts.models import User
from accounts.tenancy import scoped
from bidscript.models import BaseModel
from chat import llm
from projects.models import Project


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def visible_to(self, membership: Membership) -> Self:
        """The member's own conversations in the company, minus those on bids they cannot see."""
        bids = Project.objects.visible_to(membership).alive().values("pk")
        return scoped(self, membership).filter(
            Q(project__isnull=True) | Q(project__in=bids), user_id=membership.user_id
        )


class Conversation(BaseModel):
    """A user's chat in one company, optionally about one bid (its tender pack + the library)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="conversations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conversations")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(
                fields=["company", "user", "-last_message_at"], name="conversation_recent"
            ),
        ]

    def __str__(self) -> str:
        return self.title or "New chat"


class Message(BaseModel):
    """One turn: a question, or an answer with its citations and how it was produced."""

    class Role(models.TextChoices):
        USER = "user", "You"
        ASSISTANT = "assistant", "Assistant"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField()
    # [{"number", "chunk", "document", "document_title", "page_start", "page_end", "heading",
    # "snippet"}]: only passages that were retrieved for this answer.
    citations = models.JSONField(default=list, blank=True)
    # A question may be restricted to documents the user picked.
    document_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    provider = models.CharField(max_length=32, blank=True)
    model = models.CharField(max_length=100, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_order")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.content[:60]}"

    @property
    def answered_by(self) -> str:
        """How the answer was made, for people; ``provider`` and ``model`` are identifiers."""
        return llm.answered_by(provider=self.provider, model=self.model) if self.provider else ""

    @property
    def cited_chunk_ids(self) -> list[Any]:
        return [citation["chunk"] for citation in self.citations]
