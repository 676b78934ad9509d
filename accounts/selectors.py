"""Reads for accounts: always given the acting membership, so they are company-scoped."""

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.db.models import QuerySet

from accounts.models import ActivityLog
from accounts.models import ApiToken
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import User
from accounts.tenancy import scoped

USER_SEARCH_LIMIT = 50


def member_list(*, membership: Membership) -> QuerySet[Membership]:
    return scoped(Membership.objects.select_related("user"), membership).order_by("user__email")


def invitation_list(*, membership: Membership, open_only: bool = False) -> QuerySet[Invitation]:
    invitations = scoped(Invitation.objects.select_related("invited_by"), membership)
    if open_only:
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    return invitations


def token_list(*, membership: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens in this company, newest first."""
    return scoped(ApiToken.objects.filter(user_id=membership.user_id), membership)


def activity_list(*, membership: Membership, **filters: Any) -> QuerySet[ActivityLog]:
    """The company's activity log, newest first, narrowed by ``activity_filter``'s filters."""
    return activity_filter(
        scoped(ActivityLog.objects.select_related("actor"), membership), **filters
    )


def activity_filter(
    entries: QuerySet[ActivityLog],
    *,
    category: str | None = None,
    severity: str | None = None,
    actor: Any = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[ActivityLog]:
    """Entries narrowed by whichever filters are given."""
    filters = {
        "category": category,
        "severity": severity,
        "actor_id": actor,
        "created_at__gte": since,
        "created_at__lt": until,
    }
    return entries.filter(**{key: value for key, value in filters.items() if value})


def sign_in_history(*, user: User, limit: int = 10) -> QuerySet[ActivityLog]:
    """The user's own recent sign-ins and failed attempts, newest first."""
    return ActivityLog.objects.filter(actor=user, category=ActivityLog.Category.AUTH)[:limit]


def user_search(*, membership: Membership, query: str) -> list[User]:
    """Members of the company whose name or email contains ``query`` (case-insensitive), max 50."""
    query = query.strip()
    if not query:
        return []
    # One id__in subquery, not a join, so a user cannot appear twice.
    members = scoped(Membership.objects.all(), membership).values("user_id")
    matches = User.objects.filter(
        Q(pk__in=members), Q(name__icontains=query) | Q(email__icontains=query)
    )
    return list(matches.order_by("name", "email")[:USER_SEARCH_LIMIT])
