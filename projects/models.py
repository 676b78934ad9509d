import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Company
from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from bidscript.models import BaseModel
from bidscript.models import SoftDeleteModel
from bidscript.models import SoftDeleteQuerySet


class ProjectQuerySet(SoftDeleteQuerySet["Project"]):
    def open(self) -> "ProjectQuerySet":
        """Bids still being worked on: their status can still change."""
        return self.filter(
            status__in=[status for status, moves in Project.TRANSITIONS.items() if moves]
        )

    def overdue(self) -> "ProjectQuerySet":
        """Open bids whose due date has passed (``Project.overdue`` for one bid)."""
        return self.open().filter(due_at__lte=timezone.now())

    def visible_to(self, membership: Membership) -> "ProjectQuerySet":
        """The company's bids this member may see: all for owners and admins, else their own.

        Includes trashed bids; chain ``alive()`` or ``trashed()``.
        """
        from accounts.tenancy import scoped

        mine = scoped(self, membership)
        if role_can(membership.role, Action.SEE_ALL_PROJECTS):
            return mine
        # One id__in subquery, not a join, so a bid cannot appear twice.
        member_of = ProjectMember.objects.filter(user_id=membership.user_id).values("project_id")
        return mine.filter(pk__in=member_of)


class Project(SoftDeleteModel):
    """One bid: a tender the company is answering."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        NO_BID = "no_bid", "No bid"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    client_name = models.CharField("client", max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    due_at = models.DateTimeField("due", null=True, blank=True)
    value = models.DecimalField(
        "contract value",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(max_length=3, default="GBP")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects"
    )
    objects = ProjectQuerySet.as_manager()

    # Where each status may go; withdrawn and no-bid are open to every open status.
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        Status.DRAFT: (Status.IN_PROGRESS, Status.WITHDRAWN, Status.NO_BID),
        Status.IN_PROGRESS: (Status.SUBMITTED, Status.WITHDRAWN, Status.NO_BID),
        Status.SUBMITTED: (Status.WON, Status.LOST, Status.WITHDRAWN, Status.NO_BID),
        Status.WON: (),
        Status.LOST: (),
        Status.WITHDRAWN: (),
        Status.NO_BID: (),
    }

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "status"], name="project_company_status"),
            models.Index(fields=["company", "due_at"], name="project_company_due"),
            models.Index(fields=["company", "-created_at"], name="project_company_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="project_currency_iso_4217"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return bool(self.TRANSITIONS[self.status])

    @staticmethod
    def date_passed(due_at: dt.datetime | None) -> bool:
        return due_at is not None and due_at <= timezone.now()

    @classmethod
    def overdue(cls, *, status: str, due_at: dt.datetime | None) -> bool:
        """Still open (its status can change) and past its due date: someone must act."""
        return bool(cls.TRANSITIONS[status]) and cls.date_passed(due_at)

    @property
    def is_overdue(self) -> bool:
        return self.overdue(status=self.status, due_at=self.due_at)

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]


class ProjectMember(BaseModel):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        WRITER = "writer", "Writer"
        REVIEWER = "reviewer", "Reviewer"
        VIEWER = "viewer", "Viewer"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.WRITER)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.project} ({self.role})"


class Theme(BaseModel):
    """A win theme: a message the bid should land, used to steer drafts."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["project", "position"], name="theme_project_position")]

    def __str__(self) -> str:
        return self.title
