"""Reads for bids. Lists and dashboard figures are served through the company-versioned cache."""

import datetime as dt
import uuid
from dataclasses import astuple
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import ActivityLog
from accounts.models import Membership
from accounts.tenancy import linked_object
from bidscript.cache import company_key
from bidscript.cache import read_through
from bidscript.pagination import MAX_PAGE_SIZE
from documents.models import Document
from projects.models import Project
from projects.models import ProjectMember

DUE_SOON = dt.timedelta(days=14)
DASHBOARD_ROWS = 10

# name → (label, order_by expressions)
ORDERINGS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "-created_at": ("Newest first", ("-created_at",)),
    "created_at": ("Oldest first", ("created_at",)),
    "due_at": ("Due soonest", (F("due_at").asc(nulls_last=True), "-created_at")),
    "-due_at": ("Due latest", (F("due_at").desc(nulls_last=True), "-created_at")),
    "name": ("Name, A to Z", ("name", "-created_at")),
    "-value": ("Largest value", (F("value").desc(nulls_last=True), "-created_at")),
    "status": ("Status", ("status", "-created_at")),
}


@dataclass(frozen=True)
class ProjectFilters:
    search: str = ""
    status: str = ""
    owner: uuid.UUID | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    ordering: str = "-created_at"


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def project_queryset(
    *, membership: Membership, filters: ProjectFilters = ProjectFilters(), trashed: bool = False
) -> QuerySet[Project]:
    """The bids the member may see, filtered and ordered; trashed ones only when asked."""
    visible = Project.objects.visible_to(membership)
    projects = visible.trashed() if trashed else visible.alive()
    if filters.search:
        projects = projects.filter(
            Q(name__icontains=filters.search) | Q(client_name__icontains=filters.search)
        )
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.owner:
        projects = projects.filter(owner_id=filters.owner)
    if filters.due_from:
        projects = projects.filter(due_at__gte=_day_start(filters.due_from))
    if filters.due_to:
        projects = projects.filter(due_at__lt=_day_start(filters.due_to + dt.timedelta(days=1)))
    _, order = ORDERINGS.get(filters.ordering, ORDERINGS["-created_at"])
    return with_document_counts(projects.select_related("owner")).order_by(*order)


def with_document_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each bid with the number of its documents not in the trash, in the same query (no N+1).

    A correlated subquery rather than a join and GROUP BY: PostgreSQL counts for the rows it
    returns, after sorting and limiting to the page, not for every bid the member can see, and
    ``count()`` of the queryset does not count documents at all.
    """
    live = Document.objects.filter(project=OuterRef("pk"), deleted_at__isnull=True)
    per_bid = live.order_by().values("project").annotate(n=Count("*")).values("n")
    return projects.annotate(document_count=Coalesce(Subquery(per_bid), 0))


def trashed_projects(*, membership: Membership) -> QuerySet[Project]:
    """The member's bids in the trash, most recently trashed first."""
    return project_queryset(membership=membership, trashed=True).order_by("-deleted_at")


def project_row(project: Project) -> dict[str, Any]:
    """A bid as list pages, the dashboard and the API show it (plain data, cacheable)."""
    return {
        "id": project.pk,
        "name": project.name,
        "client_name": project.client_name,
        "reference": project.reference,
        "status": project.status,
        "status_label": project.get_status_display(),
        "due_at": project.due_at,
        "value": project.value,
        "currency": project.currency,
        "owner": {"id": project.owner_id, "name": project.owner.name, "email": project.owner.email},
        "created_at": project.created_at,
        "updated_at": project.updated_at,
        "deleted_at": project.deleted_at,
        "document_count": getattr(project, "document_count", None),
    }


def project_page(
    *, membership: Membership, filters: ProjectFilters, page: int = 1, page_size: int = 25
) -> dict[str, Any]:
    """One page of the member's bid list, read through the cache."""
    key = company_key(membership, "projects:page", astuple(filters), page, page_size)
    found = read_through(
        key,
        lambda: project_page_uncached(
            membership=membership, filters=filters, page=page, page_size=page_size
        ),
    )
    mark_overdue(found["results"])
    return found


def mark_overdue(rows: list[dict[str, Any]]) -> None:
    """Set each row's ``overdue`` as of now: a cached row may have fallen due since."""
    for row in rows:
        row["overdue"] = Project.overdue(status=row["status"], due_at=row["due_at"])


def project_page_uncached(
    *, membership: Membership, filters: ProjectFilters, page: int, page_size: int
) -> dict[str, Any]:
    """One page of the member's bid list from the database (callers cache it)."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    projects = project_queryset(membership=membership, filters=filters)
    count = projects.count()
    num_pages = max(1, -(-count // page_size))
    number = max(1, min(page, num_pages))
    start = (number - 1) * page_size
    rows = [project_row(project) for project in projects[start : start + page_size]]
    return {
        "count": count,
        "page": number,
        "num_pages": num_pages,
        "page_size": page_size,
        "results": rows,
    }


def dashboard(*, membership: Membership) -> dict[str, Any]:
    """Counts by status, the member's own bids, the open bids past their due date and what is
    due in the next 14 days (cached; each row's ``overdue`` is worked out on every read)."""

    def compute() -> dict[str, Any]:
        alive = Project.objects.visible_to(membership).alive()
        counts = dict(alive.values_list("status").annotate(n=Count("pk")).order_by())
        # A subquery, not a join: joined member rows would multiply the document counts.
        on_bid = ProjectMember.objects.filter(user_id=membership.user_id).values("project_id")
        mine = alive.filter(Q(owner_id=membership.user_id) | Q(pk__in=on_bid))
        now = timezone.now()
        due_soon = alive.open().filter(due_at__gte=now, due_at__lt=now + DUE_SOON)
        # The total rides on each row (a window count), so the list and its count are one query.
        overdue = list(
            with_document_counts(alive.overdue().select_related("owner"))
            .annotate(total=Window(Count("pk")))
            .order_by("due_at")[:DASHBOARD_ROWS]
        )
        return {
            "counts": [
                (status, label, counts.get(status, 0)) for status, label in Project.Status.choices
            ],
            "total": sum(counts.values()),
            "mine": [
                project_row(p)
                for p in with_document_counts(mine.select_related("owner")).order_by("-updated_at")[
                    :DASHBOARD_ROWS
                ]
            ],
            "due_soon": _rows_by_due_date(due_soon),
            "overdue": [project_row(project) for project in overdue],
            "overdue_count": overdue[0].total if overdue else 0,
        }

    # "board" rather than the older "dashboard": boards cached before overdue bids were listed
    # lack that list.
    board = read_through(company_key(membership, "projects:board"), compute)
    for rows in (board["mine"], board["due_soon"], board["overdue"]):
        mark_overdue(rows)
    return board


def _rows_by_due_date(projects: QuerySet[Project]) -> list[dict[str, Any]]:
    ordered = with_document_counts(projects.select_related("owner")).order_by("due_at")
    return [project_row(project) for project in ordered[:DASHBOARD_ROWS]]


def project_get(*, membership: Membership, project_id: Any, trashed: bool = False) -> Project:
    """A bid the member may see; anything else (another company's, not a member's) is a 404."""
    visible = Project.objects.visible_to(membership).select_related("owner", "company")
    try:
        return (visible.trashed() if trashed else visible.alive()).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


@linked_object("project_id", noun="bid")
def project_is_visible(membership: Membership, project_id: Any) -> bool:
    """Whether the member may see the bid, in the trash or not."""
    return Project.objects.visible_to(membership).filter(pk=project_id).exists()


def project_members(*, project: Project) -> QuerySet[ProjectMember]:
    return project.members.select_related("user").order_by("user__email")


def project_activity(*, project: Project, limit: int = 20) -> QuerySet[ActivityLog]:
    return ActivityLog.objects.filter(
        company_id=project.company_id, target_type="projects.project", target_id=str(project.pk)
    ).select_related("actor")[:limit]
