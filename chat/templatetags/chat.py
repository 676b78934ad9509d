import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe

from chat.models import Message
from documents import links

register = template.Library()

MARKER = re.compile(r"\[(\d+)\]")


def passage_url(citation: dict[str, Any]) -> str:
    """The cited document, opened at the passage (which the page highlights)."""
    return links.passage_url(document_id=citation["document"], chunk_id=citation["chunk"])


@register.filter
def answer_html(message: Message) -> SafeString:
    """The message as paragraphs (and lines), its [n] markers linked to the passages they cite."""
    citations = {citation["number"]: citation for citation in message.citations}

    def link(match: re.Match[str]) -> str:
        citation = citations.get(int(match.group(1)))
        if citation is None or not citation.get("available", False):
            return match.group(0)
        title = escape(f"{citation['document_title']}, {pages(citation)}")
        return f'<a class="cite" href="{escape(passage_url(citation))}" title="{title}">{match.group(0)}</a>'

    paragraphs = (MARKER.sub(link, escape(part)) for part in message.content.split("\n\n"))
    # A single line break separates the lines of a quoted list.
    lines = (part.strip().replace("\n", "<br>\n") for part in paragraphs)
    return mark_safe("".join(f"<p>{part}</p>" for part in lines if part))  # noqa: S308 - escaped first


@register.filter
def pages(citation: dict[str, Any]) -> str:
    start, end = citation["page_start"], citation["page_end"]
    return f"p. {start}" if start == end else f"pp. {start}\u2013{end}"


@register.filter
def citation_url(citation: dict[str, Any]) -> str:
    return passage_url(citation)
