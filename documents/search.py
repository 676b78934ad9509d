"""Hybrid retrieval over a member's chunks: dense (pgvector HNSW) + keyword (BM25), fused by a
weighted sum of both legs' min-max normalised scores over one candidate pool.

The pool is each leg's POOL best passages; every candidate then gets its score from *both*
legs (the cosine of a keyword find, the BM25 score of a dense find), so a passage one leg
ranked 101st is not scored as if it were irrelevant to that leg. The pool does not depend on
the page asked for, so the pages of one query never overlap or skip a passage.

The scope (company, bids the member can see, documents not in the trash and ready, optional
bid/labels/documents) is applied *before* ranking in both legs. Search never reads the cache.
"""

import logging
import math
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from pgvector.django import CosineDistance

from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from accounts.tenancy import scoped
from documents import bm25
from documents.embeddings import embedder
from documents.links import passage_url
from documents.models import Chunk
from documents.models import Document
from projects.models import Project

logger = logging.getLogger(__name__)

# The dense leg's share of the fused score, both legs scaled over the pool (bench/quality.py).
DENSE_WEIGHT = 0.5
# Each leg's best passages that make up the candidate pool: results end after the pool.
POOL = 100
MAX_PAGE_SIZE = 50
MAX_PAGE = 2 * POOL  # one result a page, every candidate found by one leg only
# Companies holding at least this share of all chunks (and this many) are searched through the
# HNSW graph; smaller ones by reading their rows, which is then cheaper. The planner cannot
# tell the two apart: it does not know how the company filter and the vector order interact.
HNSW_MIN_SHARE = 0.03
HNSW_MIN_ROWS = 5_000
# Private-use characters mark highlights, so document text can be escaped before <mark> goes in.
START, STOP = "\ue000", "\ue001"


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


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
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def first_number(self) -> int:
        """The position of the page's first result among all results, from 1."""
        return (self.page - 1) * self.page_size + 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


@dataclass(frozen=True)
class Candidate:
    """A passage in the pool with both legs' scores and its rank in each leg that found it."""

    chunk_id: Any
    document_id: Any
    similarity: float | None
    bm25: float
    dense_rank: int | None = None
    keyword_rank: int | None = None


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    more: list["Ranked"] = field(default_factory=list)


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
        ranked = fuse(pool, dense_weight=_dense_weight(mode))
    if grouped:
        ranked = by_document(ranked)
    shown = _page_of(ranked, page, page_size)
    return SearchResults(
        hits=_hits(shown, query), mode=mode, fallback=fallback, page=page,
        page_size=page_size, count=len(ranked), grouped=grouped,
    )  # fmt: skip


def _dense_weight(mode: Mode) -> float:
    return {Mode.HYBRID: DENSE_WEIGHT, Mode.DENSE: 1.0, Mode.KEYWORD: 0.0}[mode]


def _page_of(ranked: list[Ranked], page: int, page_size: int) -> list[Ranked]:
    last = max(1, math.ceil(len(ranked) / page_size))
    if page > last:
        raise ValidationError({"page": f"There is no page {page}: the results end on page {last}."})
    return ranked[(page - 1) * page_size : page * page_size]


def candidates(
    scope: QuerySet[Chunk], *, company_id: Any, query: str, vector: Any, mode: Mode, graph: bool
) -> list[Candidate]:
    """The pool: each leg's POOL best passages of the scope, every one scored by both legs
    (by the one leg that runs, outside hybrid mode)."""
    dense = [] if vector is None else dense_ranking(scope, vector, POOL, graph=graph)
    weights = None if mode == Mode.DENSE else bm25.weights_for(company_id, query)
    keyword = (
        bm25.bm25_search(
            company_id=company_id, query=query, scope=scope, limit=POOL, weights=weights
        )
        if weights
        else []
    )
    dense_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(dense)}
    keyword_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(keyword)}
    pool = list(dict.fromkeys([*dense_ranks, *keyword_ranks]))
    scores = dict(keyword)
    if weights and mode == Mode.HYBRID:
        missing = [chunk_id for chunk_id in pool if chunk_id not in scores]
        scores |= bm25.bm25_scores(weights=weights, chunk_ids=missing)
    return [
        Candidate(chunk_id, document_id, similarity, scores.get(chunk_id, 0.0),
                  dense_ranks.get(chunk_id), keyword_ranks.get(chunk_id))
        for chunk_id, document_id, similarity in _documents_and_similarity(pool, vector)
    ]  # fmt: skip


def _documents_and_similarity(pool: list[Any], vector: Any) -> list[tuple[Any, Any, Any]]:
    """(chunk id, document id, cosine or None) for the pool's chunks, in the pool's order."""
    chunks = Chunk.objects.filter(pk__in=pool)
    found: dict[Any, tuple[Any, float | None]] = {}
    if vector is None:
        found = {chunk_id: (document_id, None) for chunk_id, document_id in chunks.values_list("id", "document_id")}  # fmt: skip
    else:
        distances = chunks.annotate(distance=CosineDistance("embedding", vector))
        rows = distances.values_list("id", "document_id", "distance")
        found = {chunk_id: (document_id, 1 - distance) for chunk_id, document_id, distance in rows}
    return [(chunk_id, *found[chunk_id]) for chunk_id in pool if chunk_id in found]


def fuse(pool: list[Candidate], *, dense_weight: float) -> list[Ranked]:
    """``dense_weight * cosine + (1 - dense_weight) * BM25``, each scaled to 0..1 over the
    pool, best first (ties by chunk id, so the order is stable from page to page)."""
    dense = _scaled([candidate.similarity or 0.0 for candidate in pool])
    keyword = _scaled([candidate.bm25 for candidate in pool])
    ranked = [
        Ranked(candidate, dense_weight * d + (1 - dense_weight) * k)
        for candidate, d, k in zip(pool, dense, keyword, strict=True)
    ]
    return sorted(ranked, key=lambda item: (-item.score, str(item.candidate.chunk_id)))


def _scaled(scores: list[float]) -> list[float]:
    if not scores:
        return []
    low, high = min(scores), max(scores)
    return [(score - low) / (high - low) if high > low else 1.0 for score in scores]


def by_document(ranked: list[Ranked]) -> list[Ranked]:
    """Each document's best passage, in rank order, carrying the document's other ones."""
    groups: dict[Any, list[Ranked]] = {}
    for item in ranked:
        groups.setdefault(item.candidate.document_id, []).append(item)
    return [Ranked(best.candidate, best.score, others) for best, *others in groups.values()]


def hnsw_worthwhile(company_id: Any) -> bool:
    """Whether the company's chunks are enough of all chunks to search them through HNSW."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.chunk_count, (SELECT sum(chunk_count) FROM documents_corpusstat)
            FROM documents_corpusstat s WHERE s.company_id = %s
            """,
            [company_id],
        )
        row = cursor.fetchone()
    return bool(row) and row[0] >= max(HNSW_MIN_ROWS, HNSW_MIN_SHARE * row[1])


def dense_ranking(
    scope: QuerySet[Chunk], vector: Any, limit: int, *, exact: bool = False, graph: bool = False
) -> list[tuple[Any, float]]:
    """(chunk id, cosine similarity) of the scope's chunks nearest to ``vector``, nearest first.

    ``exact`` reads every row of the scope; ``graph`` walks the HNSW index; neither lets the
    planner choose."""
    with transaction.atomic(), connection.cursor() as cursor:
        # pgvector 0.8: keep scanning the HNSW graph until enough rows pass the filters.
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        # A wider beam than pgvector's default 40: recall@10 of 0.99-1.0 in 10% and 50% tenants
        # (bench/search.py), where 100 gave 0.93-0.99 depending on how the graph was built.
        cursor.execute("SET LOCAL hnsw.ef_search = %s", [max(200, min(2 * limit, 1000))])
        if exact:
            cursor.execute("SET LOCAL enable_indexscan = off")
        elif graph:  # no sort means the HNSW index supplies the order
            cursor.execute("SET LOCAL enable_sort = off")
        rows = list(
            scope.annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")
            .values_list("id", "distance")[:limit]
        )
    # relaxed_order may return rows slightly out of order: sort them exactly.
    return [(chunk_id, 1 - distance) for chunk_id, distance in sorted(rows, key=lambda row: row[1])]


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
