"""Activity log entries as sentences a person reads, e.g. "Ann Lee changed the due date to
14 March 2026 on “Lothian FM”." The one place that turns an entry into words: pages show
``ActivityLog.sentence``.

Every action code the app records has a phrase here; tests/accounts/test_activity.py finds the
codes in the source and fails on one without a phrase.
"""

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat
from django.utils import timezone

from accounts.models import ActivityLog
from accounts.models import Role
from documents.models import Document
from projects.models import Project
from projects.models import ProjectMember

Details = dict[str, Any]
Phrase = Callable[[str, Details], str]  # (who did it, the entry's details) → sentence


def _q(text: Any) -> str:
    return f"“{text}”"


def _and(parts: Iterable[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _when(value: str) -> str:
    moment = timezone.localtime(dt.datetime.fromisoformat(value))
    pattern = "j F Y" if moment.time() == dt.time.min else "j F Y, H:i"
    return dateformat.format(moment, pattern)


def _money(value: str) -> str:
    return f"{Decimal(value):,.2f}"


def _company_role(role: str) -> str:
    return Role(role).label.lower()


def _bid_role(role: str) -> str:
    return ProjectMember.Role(role).label.lower()


def _status(status: str) -> str:
    return Project.Status(status).label.lower()


def _label(label: str) -> str:
    """A document label's short name ("primary"), not its whole description."""
    return Document.Label(label).label.split(":")[0].lower()


# ------------------------------------------------------------------ Edits of a bid

BID_FIELD_NAMES = {
    "name": "name", "client_name": "client", "reference": "reference",
    "description": "description", "due_at": "due date", "value": "contract value",
    "currency": "currency",
}  # fmt: skip


def _bid_change(field: str, value: Any) -> str:
    if field == "name":
        return f"renamed the bid to {_q(value)}"
    if field == "description":
        return "edited the description"
    if value in (None, ""):
        return f"removed the {BID_FIELD_NAMES[field]}"
    shown = {"due_at": _when, "value": _money}.get(field, _q)(value)
    return f"changed the {BID_FIELD_NAMES[field]} to {shown}"


def _bid_updated(who: str, d: Details) -> str:
    changes: Details | None = d.get("changes")
    if changes is None:  # entries written before the new values were recorded
        named = _and(BID_FIELD_NAMES.get(field, field) for field in d["fields"])
        return f"{who} changed the {named} of {_q(d['name'])}."
    # In the form's order: the database keeps JSON keys in an order of its own.
    fields = sorted(changes, key=list(BID_FIELD_NAMES).index)
    said = _and(_bid_change(field, changes[field]) for field in fields)
    return f"{who} {said}." if "name" in changes else f"{who} {said} on {_q(d['name'])}."


# ------------------------------------------------------------------ Edits of a document


def _document_change(field: str, value: Any) -> str:
    if field == "label":
        return f"labelled it {_label(value)}"
    return f"renamed it {_q(value)}"


def _document_updated(who: str, d: Details) -> str:
    changes: Details | None = d.get("changes")
    if changes is None:
        return f"{who} changed the {_and(d['fields'])} of the document {_q(d['title'])}."
    said = _and(_document_change(field, value) for field, value in changes.items())
    return f"{who} edited the document {_q(d['title'])}: {said}."


def _document_uploaded(who: str, d: Details) -> str:
    size = f" ({filesizeformat(d['size'])})" if d.get("size") else ""
    return f"{who} uploaded {_q(d['title'])}{size} as {_label(d['label'])}."


def _member_transferred(who: str, d: Details) -> str:
    return (
        f"{who} transferred {d['email']} to another company; "
        f"{d['new_owner']} took over what they owned."
    )


PHRASES: dict[str, Phrase] = {
    "auth.signed_in": lambda who, d: f"{who} signed in.",
    "auth.sign_in_failed": lambda who, d: f"A sign-in as {d['email']} failed.",
    "company.created": lambda who, d: f"{who} created the company {_q(d['name'])}.",
    "company.renamed": lambda who, d: (
        f"{who} renamed the company from {_q(d['from'])} to {_q(d['to'])}."
    ),
    "company.deleted": lambda who, d: f"{who} deleted the company {_q(d['name'])}.",
    "member.role_changed": lambda who, d: (
        f"{who} changed the role of {d['email']} from {_company_role(d['from'])} to {_company_role(d['to'])}."
    ),
    "member.left": lambda who, d: f"{who} left the company.",
    "member.removed": lambda who, d: f"{who} removed {d['email']} from the company.",
    "member.transferred": _member_transferred,
    "invitation.created": lambda who, d: (
        f"{who} invited {d['email']} as {_company_role(d['role'])}."
    ),
    "invitation.resent": lambda who, d: f"{who} sent the invitation to {d['email']} again.",
    "invitation.revoked": lambda who, d: f"{who} withdrew the invitation to {d['email']}.",
    "invitation.accepted": lambda who, d: (
        f"{who} accepted the invitation and joined as {_company_role(d['role'])}."
    ),
    "token.created": lambda who, d: f"{who} created the API token {_q(d['name'])}.",
    "token.revoked": lambda who, d: f"{who} revoked the API token {_q(d['name'])}.",
    "project.created": lambda who, d: f"{who} created the bid {_q(d['name'])}.",
    "project.updated": _bid_updated,
    "project.status_changed": lambda who, d: (
        f"{who} moved {_q(d['name'])} from {_status(d['from'])} to {_status(d['to'])}."
    ),
    "project.trashed": lambda who, d: f"{who} moved the bid {_q(d['name'])} to the trash.",
    "project.restored": lambda who, d: f"{who} restored the bid {_q(d['name'])} from the trash.",
    "project.deleted": lambda who, d: f"{who} deleted the bid {_q(d['name'])} permanently.",
    "project.transferred": lambda who, d: (
        f"{who} handed {_q(d['name'])} over from {d['from']} to {d['to']}."
    ),
    "project.member_added": lambda who, d: (
        f"{who} added {d['email']} to {_q(d['name'])} as {_bid_role(d['role'])}."
    ),
    "project.member_changed": lambda who, d: (
        f"{who} made {d['email']} {_bid_role(d['role'])} on {_q(d['name'])}."
    ),
    "project.member_removed": lambda who, d: f"{who} took {d['email']} off {_q(d['name'])}.",
    "project.theme_added": lambda who, d: (
        f"{who} added the win theme {_q(d['theme'])} to {_q(d['name'])}."
    ),
    "project.theme_changed": lambda who, d: (
        f"{who} edited the win theme {_q(d['theme'])} on {_q(d['name'])}."
    ),
    "project.themes_reordered": lambda who, d: (
        f"{who} reordered the win themes of {_q(d['name'])}."
    ),
    "project.theme_removed": lambda who, d: (
        f"{who} removed the win theme {_q(d['theme'])} from {_q(d['name'])}."
    ),
    "document.uploaded": _document_uploaded,
    "document.failed": lambda who, d: f"Processing {_q(d['title'])} failed: {d['reason']}",
    "document.reprocessed": lambda who, d: f"{who} queued {_q(d['title'])} for processing again.",
    "document.updated": _document_updated,
    "document.deleted": lambda who, d: f"{who} moved the document {_q(d['title'])} to the trash.",
    "document.restored": lambda who, d: f"{who} restored the document {_q(d['title'])}.",
    "conversation.deleted": lambda who, d: (
        f"{who} deleted the chat {_q(d['title'])} ({d['messages']} messages)."
    ),
}


def actor_name(entry: ActivityLog) -> str:
    """The actor's name, else their email; "Someone" once their account is gone (or for the
    system's own actions, whose phrases do not name an actor)."""
    if entry.actor is None:
        return "Someone"
    return entry.actor.name or entry.actor.email


def activity_sentence(entry: ActivityLog) -> str:
    """What happened, as a sentence. An entry whose details do not fit its phrase (or a code
    without one) still reads as its actor and action rather than failing the page."""
    who = actor_name(entry)
    phrase = PHRASES.get(entry.action)
    try:
        if phrase is not None:
            return phrase(who, entry.details)
    except (KeyError, ValueError, TypeError, ArithmeticError):
        pass
    return f"{who}: {entry.action.replace('.', ' ').replace('_', ' ')}."
