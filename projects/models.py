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


# ------------------------------------------------------------------ The register


class QuestionQuerySet(models.QuerySet["Question"]):
    def live(self) -> "QuestionQuerySet":
        """Items on the register: neither deleted nor merged into another item."""
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)

    def requirements(self) -> "QuestionQuerySet":
        return self.filter(kind__in=Question.COMPLIANCE_KINDS)


class Question(BaseModel):
    """One item of a bid's register: a question the buyer asks, a requirement it imposes or an
    attachment it wants supplied, traced to its source document and page.

    Items found by extraction carry ``extraction_key`` so a later run recognises them; an item
    the user edited (``edited_at``), merged away (``merged_into``) or deleted (``deleted_at``)
    is never changed or proposed again by extraction. ``missing_since`` flags an extracted item
    the latest run no longer found.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        REQUIREMENT = "requirement", "Requirement"
        ATTACHMENT = "attachment", "Attachment"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DRAFTING = "drafting", "Drafting"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"

    class LimitUnit(models.TextChoices):
        WORDS = "words", "words"
        CHARACTERS = "characters", "characters"
        PAGES = "pages", "pages"

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted"
        MANUAL = "manual", "Added by hand"

    COMPLIANCE_KINDS: ClassVar[tuple[str, ...]] = (Kind.REQUIREMENT, Kind.ATTACHMENT)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="questions")
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The tender document the item was found in.",
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=50, blank=True)
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    section = models.CharField(max_length=300, blank=True)
    mandatory = models.BooleanField(default=False)
    limit_value = models.PositiveIntegerField(null=True, blank=True)
    limit_unit = models.CharField(max_length=20, choices=LimitUnit.choices, blank=True)
    weighting = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_questions",
    )
    due_on = models.DateField("due", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    confidence = models.FloatField(null=True, blank=True)
    extraction_key = models.CharField(max_length=64, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    missing_since = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_items"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What satisfies a requirement in the compliance matrix: a document, another register
    # item (usually the question whose answer covers it), or both.
    evidence_document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidenced_questions",
    )
    evidence_question = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="evidenced_items"
    )
    evidence_note = models.CharField(max_length=500, blank=True)
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [
            models.Index(fields=["project", "position"], name="question_project_position"),
            models.Index(fields=["project", "kind", "status"], name="question_project_kind"),
            models.Index(fields=["assignee", "status"], name="question_assignee_status"),
            models.Index(fields=["document"], name="question_document"),
            models.Index(fields=["evidence_document"], name="question_evidence_document"),
            models.Index(fields=["evidence_question"], name="question_evidence_question"),
            models.Index(fields=["merged_into"], name="question_merged_into"),
            models.Index(fields=["project", "extraction_key"], name="question_extraction_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_value__isnull=True) | ~Q(limit_unit=""),
                name="question_limit_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="question_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}".strip()

    @property
    def is_live(self) -> bool:
        return self.deleted_at is None and self.merged_into_id is None

    @property
    def limit(self) -> str:
        """The limit as a person reads it: "500 words", or "" when there is none."""
        if self.limit_value is None:
            return ""
        return f"{self.limit_value:,} {self.get_limit_unit_display()}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_document_id or self.evidence_question_id or self.evidence_note)


class ExtractionRun(BaseModel):
    """One run of register extraction over a bid's tender documents, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="extraction_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a document becoming ready started the run.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    documents_total = models.PositiveIntegerField(default=0)
    documents_done = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    dates_proposed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="extraction_project_created"),
            models.Index(fields=["status", "updated_at"], name="extraction_status_updated"),
            models.Index(fields=["requested_by"], name="extraction_requested_by"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="extraction_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"Extraction for {self.project} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class KeyDate(BaseModel):
    """A date the bid runs to (a deadline, a presentation, the contract start), proposed by
    extraction from the tender or entered by hand, and confirmed by a person."""

    class Kind(models.TextChoices):
        CLARIFICATION_DEADLINE = "clarification_deadline", "Clarification deadline"
        SUBMISSION_DEADLINE = "submission_deadline", "Submission deadline"
        PRESENTATION = "presentation", "Presentation"
        CONTRACT_START = "contract_start", "Contract start"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="key_dates")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_dates",
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    source_text = models.CharField(max_length=500, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "time"]
        indexes = [
            models.Index(fields=["project", "date"], name="keydate_project_date"),
            models.Index(fields=["document"], name="keydate_document"),
            models.Index(fields=["confirmed_by"], name="keydate_confirmed_by"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.date:%d %b %Y}"

    @property
    def title(self) -> str:
        return self.label or self.get_kind_display()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
