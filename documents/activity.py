"""How the activity list words what happens to documents (``accounts.activity``)."""

from typing import Any

from django.template.defaultfilters import filesizeformat

from accounts.activity import Details
from accounts.activity import joined
from accounts.activity import quoted
from accounts.activity import register_phrases
from documents.models import Document


def _label(label: str) -> str:
    """A document label's short name ("primary"), not its whole description."""
    return Document.Label(label).label.split(":")[0].lower()


def _document_change(field: str, value: Any) -> str:
    if field == "label":
        return f"labelled it {_label(value)}"
    return f"renamed it {quoted(value)}"


def _document_updated(who: str, d: Details) -> str:
    changes: Details | None = d.get("changes")
    if changes is None:
        return f"{who} changed the {joined(d['fields'])} of the document {quoted(d['title'])}."
    said = joined(_document_change(field, value) for field, value in changes.items())
    return f"{who} edited the document {quoted(d['title'])}: {said}."


def _document_uploaded(who: str, d: Details) -> str:
    size = f" ({filesizeformat(d['size'])})" if d.get("size") else ""
    return f"{who} uploaded {quoted(d['title'])}{size} as {_label(d['label'])}."


register_phrases(
    {
        "document.uploaded": _document_uploaded,
        "document.failed": lambda who, d: f"Processing {quoted(d['title'])} failed: {d['reason']}",
        "document.reprocessed": lambda who, d: (
            f"{who} queued {quoted(d['title'])} for processing again."
        ),
        "document.updated": _document_updated,
        "document.deleted": lambda who, d: (
            f"{who} moved the document {quoted(d['title'])} to the trash."
        ),
        "document.restored": lambda who, d: f"{who} restored the document {quoted(d['title'])}.",
    }
)
