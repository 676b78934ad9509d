"""Activity log entries as sentences a person reads, e.g. "Ann Lee changed the due date to
14 March 2026 on “Lothian FM”." The one place that turns an entry into words: pages show
``ActivityLog.sentence``.

Each app registers the phrases of the actions it records (``register_phrases``, from its
``activity.py``, loaded by its AppConfig), so this module needs no other app's models;
tests/accounts/test_activity.py finds the codes in the source and fails on one without a phrase.
"""

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import dateformat
from django.utils import timezone

from accounts.models import ActivityLog
from accounts.models import Role

Details = dict[str, Any]
Phrase = Callable[[str, Details], str]  # (who did it, the entry's details) → sentence


def quoted(text: Any) -> str:
    return f"“{text}”"


def joined(parts: Iterable[str]) -> str:
    """Words joined as a list is read: a; a and b; a, b and c."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def when(value: str) -> str:
    """An ISO timestamp as a reader's date, with the time unless it is midnight."""
    moment = timezone.localtime(dt.datetime.fromisoformat(value))
    pattern = "j F Y" if moment.time() == dt.time.min else "j F Y, H:i"
    return dateformat.format(moment, pattern)


def money(value: str) -> str:
    return f"{Decimal(value):,.2f}"


def _company_role(role: str) -> str:
    return Role(role).label.lower()


def _member_transferred(who: str, d: Details) -> str:
    return (
        f"{who} transferred {d['email']} to another company; "
        f"{d['new_owner']} took over what they owned."
    )


PHRASES: dict[str, Phrase] = {}


def register_phrases(phrases: dict[str, Phrase]) -> None:
    """Add an app's phrases, by action code."""
    PHRASES.update(phrases)


register_phrases(
    {
        "auth.signed_in": lambda who, d: f"{who} signed in.",
        "auth.sign_in_failed": lambda who, d: f"A sign-in as {d['email']} failed.",
        "company.created": lambda who, d: f"{who} created the company {quoted(d['name'])}.",
        "company.renamed": lambda who, d: (
            f"{who} renamed the company from {quoted(d['from'])} to {quoted(d['to'])}."
        ),
        "company.deleted": lambda who, d: f"{who} deleted the company {quoted(d['name'])}.",
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
        "token.created": lambda who, d: f"{who} created the API token {quoted(d['name'])}.",
        "token.revoked": lambda who, d: f"{who} revoked the API token {quoted(d['name'])}.",
    }
)


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
