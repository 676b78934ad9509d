"""Hybrid retrieval over a member's chunks: dense (pgvector HNSW) + keyword (BM25), fused by a
weighted sum of each leg's min-max normalised scores.

The scope (company, bids the member can see, documents not in the trash and ready, optional
bid/labels/documents) is applied *before* ranking in both legs. Search never reads the cache.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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
from documents.models import Chunk
from documents.models import Document
from projects.models import Project

# Measured by bench/quality.py (nDCG@10 on generated bid evidence): this convex combination beat
# both legs (0.49 vs dense 0.46, keyword 0.36) where reciprocal rank fusion fell between them
# (0.41): with RRF a leg that is blind for a question counts as much as the one that sees.
DENSE_WEIGHT = 0.7
# Companies holding at least this share of all chunks (and this many) are searched through the
# HNSW graph; smaller ones by reading their rows, which is then cheaper. The planner cannot
# tell the two apart: it does not know how the company filter and the vector order interact.
HNSW_MIN_SHARE = 0.03
HNSW_MIN_ROWS = 5_000
MIN_CANDIDATES = 50
# Private-use characters mark highlights, so document text can be escaped before <mark> goes in.
START, STOP = "\ue000", "\ue001"


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


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
    """The k best passages for ``query`` among those the member may see, best first."""
    query = query.strip()
    if not query:
        return []
    scope = search_scope(
        membership=membership, project=project, labels=labels, document_ids=document_ids
    )
    candidates = max(k * 4, MIN_CANDIDATES)
    legs: list[tuple[float, list[tuple[Any, float]]]] = []
    vector = None if mode == Mode.KEYWORD else embedder().embed([query])[0]
    if vector is not None:
        weight = DENSE_WEIGHT if mode == Mode.HYBRID else 1.0
        graph = not document_ids and hnsw_worthwhile(membership.company_id)
        legs.append((weight, dense_ranking(scope, vector, candidates, graph=graph)))
    if mode in (Mode.HYBRID, Mode.KEYWORD):
        bm25_hits = bm25.bm25_search(
            company_id=membership.company_id, query=query, scope=scope, limit=candidates
        )
        legs.append((1.0 - DENSE_WEIGHT if mode == Mode.HYBRID else 1.0, bm25_hits))
    fused = _fuse(legs)[:k]
    return _hits(fused, query, vector)


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


def _fuse(legs: list[tuple[float, list[tuple[Any, float]]]]) -> list[tuple[Any, float]]:
    """Each leg's scores scaled to 0..1 over its candidates, then summed with the leg's weight;
    a chunk a leg did not find gets nothing from it."""
    fused: dict[Any, float] = {}
    for weight, scored in legs:
        if not scored:
            continue
        low, high = min(score for _, score in scored), max(score for _, score in scored)
        for chunk_id, score in scored:
            share = (score - low) / (high - low) if high > low else 1.0
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * share
    return sorted(fused.items(), key=lambda item: (-item[1], str(item[0])))


def _hits(fused: list[tuple[Any, float]], query: str, vector: Any) -> list[SearchHit]:
    if not fused:
        return []
    ids = [chunk_id for chunk_id, _ in fused]
    snippets = _snippets(ids, query)
    # Not the vector, lexemes or term counts: a page of hits needs none of them.
    chunks = (
        Chunk.objects.filter(pk__in=ids)
        .select_related("document")
        .defer("embedding", "search_vector", "term_freqs")
    )
    if vector is not None:
        chunks = chunks.annotate(distance=CosineDistance("embedding", vector))
    found = chunks.in_bulk()
    return [
        SearchHit(
            chunk_id=chunk.pk,
            document_id=chunk.document_id,
            document_title=chunk.document.title,
            project_id=chunk.project_id,
            label=chunk.label,
            page_start=chunk.page_start,
            page_end=chunk.page_end,
            heading=chunk.heading,
            text=chunk.text,
            snippet_html=snippets.get(chunk.pk, escape(chunk.text[:300])),
            score=score,
            similarity=None if vector is None else 1 - chunk.distance,  # type: ignore[attr-defined]
        )
        for chunk_id, score in fused
        if (chunk := found.get(chunk_id)) is not None
    ]


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
