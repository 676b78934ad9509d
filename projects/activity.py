"""How the activity list words what happens to bids (``accounts.activity``)."""

from typing import Any

from accounts.activity import Details
from accounts.activity import joined
from accounts.activity import money
from accounts.activity import quoted
from accounts.activity import register_phrases
from accounts.activity import when
from projects.models import Project
from projects.models import ProjectMember


def _bid_role(role: str) -> str:
    return ProjectMember.Role(role).label.lower()


def _status(status: str) -> str:
    return Project.Status(status).label.lower()


# ------------------------------------------------------------------ Edits of a bid

BID_FIELD_NAMES = {
    "name": "name", "client_name": "client", "reference": "reference",
    "description": "description", "due_at": "due date", "value": "contract value",
    "currency": "currency",
}  # fmt: skip


def _bid_change(field: str, value: Any) -> str:
    if field == "name":
        return f"renamed the bid to {quoted(value)}"
    if field == "description":
        return "edited the description"
    if value in (None, ""):
        return f"removed the {BID_FIELD_NAMES[field]}"
    shown = {"due_at": when, "value": money}.get(field, quoted)(value)
    return f"changed the {BID_FIELD_NAMES[field]} to {shown}"


def _bid_updated(who: str, d: Details) -> str:
    changes: Details | None = d.get("changes")
    if changes is None:  # entries written before the new values were recorded
        named = joined(BID_FIELD_NAMES.get(field, field) for field in d["fields"])
        return f"{who} changed the {named} of {quoted(d['name'])}."
    # In the form's order: the database keeps JSON keys in an order of its own.
    fields = sorted(changes, key=list(BID_FIELD_NAMES).index)
    said = joined(_bid_change(field, changes[field]) for field in fields)
    return f"{who} {said}." if "name" in changes else f"{who} {said} on {quoted(d['name'])}."


register_phrases(
    {
        "project.created": lambda who, d: f"{who} created the bid {quoted(d['name'])}.",
        "project.updated": _bid_updated,
        "project.status_changed": lambda who, d: (
            f"{who} moved {quoted(d['name'])} from {_status(d['from'])} to {_status(d['to'])}."
        ),
        "project.trashed": lambda who, d: f"{who} moved the bid {quoted(d['name'])} to the trash.",
        "project.restored": lambda who, d: (
            f"{who} restored the bid {quoted(d['name'])} from the trash."
        ),
        "project.deleted": lambda who, d: f"{who} deleted the bid {quoted(d['name'])} permanently.",
        "project.transferred": lambda who, d: (
            f"{who} handed {quoted(d['name'])} over from {d['from']} to {d['to']}."
        ),
        "project.member_added": lambda who, d: (
            f"{who} added {d['email']} to {quoted(d['name'])} as {_bid_role(d['role'])}."
        ),
        "project.member_changed": lambda who, d: (
            f"{who} made {d['email']} {_bid_role(d['role'])} on {quoted(d['name'])}."
        ),
        "project.member_removed": lambda who, d: (
            f"{who} took {d['email']} off {quoted(d['name'])}."
        ),
        "project.theme_added": lambda who, d: (
            f"{who} added the win theme {quoted(d['theme'])} to {quoted(d['name'])}."
        ),
        "project.theme_changed": lambda who, d: (
            f"{who} edited the win theme {quoted(d['theme'])} on {quoted(d['name'])}."
        ),
        "project.themes_reordered": lambda who, d: (
            f"{who} reordered the win themes of {quoted(d['name'])}."
        ),
        "project.theme_removed": lambda who, d: (
            f"{who} removed the win theme {quoted(d['theme'])} from {quoted(d['name'])}."
        ),
    }
)
