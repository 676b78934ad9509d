"""Search over a member's chunks, a page at a time: hybrid retrieval (documents.ranking), then
the page's passages with their documents, snippets and links.

The candidate pool does not depend on the page asked for, so the pages of one query never
overlap or skip a passage.

The scope (company, bids the member can see, documents not in the trash and ready, optional
bid/labels/documents) is applied *before* ranking in both legs. Search never reads the cache.
"""

import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe

from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from accounts.tenancy import scoped
from documents.embeddings import embedder
from documents.links import passage_url
from documents.models import Chunk
from documents.models import Document
from documents.ranking import POOL
from documents.ranking import Mode
from documents.ranking import Ranked
from documents.ranking import by_document
from documents.ranking import candidates
from documents.ranking import dense_weight_for
from documents.ranking import fuse
from documents.ranking import hnsw_worthwhile
from projects.models import Project

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 50
MAX_PAGE = 2 * POOL  # one result a page, every candidate found by one leg only
# Private-use characters mark highlights, so document text can be escaped before <mark> goes in.
START, STOP = "\ue000", "\ue001"


class EmbeddingUnavailableError(Exception):
    """The embedding provider could not embed the query (a remote endpoint down or broken)."""


@dataclass(frozen=True)
class SearchHit:
    chunk_id: Any
    document_id: Any
    document_title: str
    project_id: Any
    label: str
    page_start: int
    page_end: int
    heading: str
    text: str
    snippet_html: SafeString
    score: float
    # Cosine similarity of the passage to the query (None in keyword mode): an absolute
    # relevance signal, where the fused score only ranks.
    similarity: float | None = None
    document_filename: str = ""
    # Grouped by document: the document's other passages in the results, best first.
    more: tuple["SearchHit", ...] = ()

    @property
    def url(self) -> str:
        return passage_url(document_id=self.document_id, chunk_id=self.chunk_id)


@dataclass(frozen=True)
class SearchResults:
    """One page of results, with the mode that actually ran and why it differs from the asked."""

    hits: list[SearchHit]
    mode: Mode
    fallback: str  # why ``mode`` is not the mode asked for; empty when it is
    page: int
    page_size: int
    count: int  # passages (documents when grouped) over all pages
    grouped: bool

    @property
    def num_pages(self) -> int:
        return page_count(self.count, self.page_size)

    @property
    def first_number(self) -> int:
        """The position of the page's first result among all results, from 1."""
        return (self.page - 1) * self.page_size + 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.num_pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def search_scope(
    *,
    membership: Membership,
    project: Any = None,
    labels: list[str] | None = None,
    document_ids: list[Any] | None = None,
) -> QuerySet[Chunk]:
    """The chunks this member may retrieve: tenancy first, then the caller's narrowing."""
    # A filter on the few unsearchable documents rather than a join with all of them: the
    # planner then always starts from the chunk indexes, whatever it guesses about the join.
    unsearchable = scoped(Document.objects.all(), membership).filter(
        Q(deleted_at__isnull=False) | ~Q(status=Document.Status.READY)
    )
    chunks = scoped(Chunk.objects.all(), membership).exclude(document__in=unsearchable.values("pk"))
    if not role_can(membership.role, Action.SEE_ALL_PROJECTS):
        bids = Project.objects.visible_to(membership).values("pk")
        chunks = chunks.filter(Q(project__isnull=True) | Q(project__in=bids))
    if project:
        chunks = chunks.filter(Q(project_id=project) | Q(project__isnull=True))
    if labels:
        chunks = chunks.filter(label__in=labels)
    if document_ids:
        chunks = chunks.filter(document_id__in=document_ids)
    return chunks


def passage_search(
    *,
    membership: Membership,
    query: str,
    project: Any = None,
    labels: list[str] | None = None,
    document_ids: list[Any] | None = None,
    mode: str = Mode.HYBRID,
    page: int = 1,
    page_size: int = 10,
    group_by_document: bool = False,
) -> SearchResults:
    """One page of the passages (or, grouped, documents) best matching ``query`` among those
    the member may see. When the query cannot be embedded, keyword search runs instead and
    ``fallback`` says so. Raises ValidationError for a page past the last one."""
    ran, fallback, vector = Mode(mode), "", None
    if ran != Mode.KEYWORD and query.strip():
        try:
            vector = query_vector(query)
        except EmbeddingUnavailableError:
            ran, fallback = Mode.KEYWORD, "Meaning-based search is unavailable right now."
    return _search(
        membership, query, ran, vector, fallback,
        narrowing={"project": project, "labels": labels, "document_ids": document_ids},
        page=page, page_size=page_size, grouped=group_by_document,
    )  # fmt: skip


def chunk_search(
    *,
    membership: Membership,
    query: str,
    project: Any = None,
    labels: list[str] | None = None,
    document_ids: list[Any] | None = None,
    k: int = 10,
    mode: str = Mode.HYBRID,
) -> list[SearchHit]:
    """The k best passages for ``query`` among those the member may see, best first.

    Unlike passage_search it does not fall back to keywords: EmbeddingUnavailableError is raised,
    as a caller weighing hits by ``similarity`` cannot use keyword hits."""
    vector = None if mode == Mode.KEYWORD or not query.strip() else query_vector(query)
    return _search(
        membership, query, Mode(mode), vector, "",
        narrowing={"project": project, "labels": labels, "document_ids": document_ids},
        page=1, page_size=k, grouped=False,
    ).hits  # fmt: skip


def query_vector(query: str) -> Any:
    """The query's embedding; EmbeddingUnavailableError when the provider fails to answer."""
    try:
        return embedder().embed([query])[0]
    except (OSError, ValueError, KeyError) as error:  # network, HTTP or malformed answers
        logger.warning("The search query could not be embedded: %s", error)
        raise EmbeddingUnavailableError from error


def _search(
    membership: Membership,
    query: str,
    mode: Mode,
    vector: Any,
    fallback: str,
    *,
    narrowing: dict[str, Any],
    page: int,
    page_size: int,
    grouped: bool,
) -> SearchResults:
    query = query.strip()
    ranked: list[Ranked] = []
    if query:
        scope = search_scope(membership=membership, **narrowing)
        graph = not narrowing["document_ids"] and hnsw_worthwhile(membership.company_id)
        pool = candidates(
            scope, company_id=membership.company_id, query=query, vector=vector, mode=mode,
            graph=graph,
        )  # fmt: skip
        ranked = fuse(pool, dense_weight=dense_weight_for(mode))
    if grouped:
        ranked = by_document(ranked)
    shown = _page_of(ranked, page, page_size)
    return SearchResults(
        hits=_hits(shown, query), mode=mode, fallback=fallback, page=page,
        page_size=page_size, count=len(ranked), grouped=grouped,
    )  # fmt: skip


def page_count(results: int, page_size: int) -> int:
    """Pages of ``page_size`` that ``results`` fill; an empty search still has its page 1."""
    return max(1, math.ceil(results / page_size))


def _page_of(ranked: list[Ranked], page: int, page_size: int) -> list[Ranked]:
    last = page_count(len(ranked), page_size)
    if page > last:
        raise ValidationError({"page": f"There is no page {page}: the results end on page {last}."})
    return ranked[(page - 1) * page_size : page * page_size]


def _hits(shown: list[Ranked], query: str) -> list[SearchHit]:
    """The page's hits (and their "more from this document" passages) with text and snippets."""
    ids = [item.candidate.chunk_id for entry in shown for item in (entry, *entry.more)]
    if not ids:
        return []
    snippets = _snippets(ids, query)
    # Not the vector, lexemes or term counts: a page of hits needs none of them.
    chunks = (
        Chunk.objects.filter(pk__in=ids)
        .select_related("document")
        .defer("embedding", "search_vector", "term_freqs")
        .in_bulk()
    )

    def hit(item: Ranked) -> SearchHit:
        chunk = chunks[item.candidate.chunk_id]
        more = [other for other in item.more if other.candidate.chunk_id in chunks]
        return SearchHit(
            chunk_id=chunk.pk, document_id=chunk.document_id, document_title=chunk.document.title,
            document_filename=chunk.document.filename, project_id=chunk.project_id,
            label=chunk.label, page_start=chunk.page_start, page_end=chunk.page_end,
            heading=chunk.heading, text=chunk.text,
            snippet_html=snippets.get(chunk.pk, escape(chunk.text[:300])), score=item.score,
            similarity=item.candidate.similarity, more=tuple(hit(other) for other in more),
        )  # fmt: skip

    # A passage deleted since it was ranked (its document reprocessed) is left out.
    return [hit(entry) for entry in shown if entry.candidate.chunk_id in chunks]


def _snippets(ids: list[Any], query: str) -> dict[Any, SafeString]:
    """Query words highlighted in each passage, HTML-escaped except for the <mark> tags."""
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=45, MinWords=20, MaxFragments=2"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id, ts_headline('english', text,
                replace(plainto_tsquery('english', %s)::text, '&', '|')::tsquery, %s)
            FROM documents_chunk WHERE id = ANY(%s)
            """,
            [query, options, ids],
        )
        return {chunk_id: _marked(text) for chunk_id, text in cursor.fetchall()}


def _marked(text: str) -> SafeString:
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped first
