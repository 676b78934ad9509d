"""Where a passage lives on the site: its document's page, opened at the passage."""

from typing import Any

from django.urls import reverse


def passage_url(*, document_id: Any, chunk_id: Any) -> str:
    """The document's page showing the passage's page of passages, the passage highlighted
    (``?passage=``) and scrolled to (``#passage-…``)."""
    url = reverse("documents:detail", kwargs={"document_id": document_id})
    return f"{url}?passage={chunk_id}#passage-{chunk_id}"
