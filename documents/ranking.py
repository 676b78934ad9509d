"""Hybrid retrieval: dense (pgvector HNSW) + keyword (BM25), fused by a weighted sum of both
legs' min-max normalised scores over one candidate pool.

The pool is each leg's POOL best passages of a scope; every candidate then gets its score from
*both* legs (the cosine of a keyword find, the BM25 score of a dense find), so a passage one leg
ranked 101st is not scored as if it were irrelevant to that leg.
"""

from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db import transaction
from django.db.models import Case
from django.db.models import FloatField
from django.db.models import QuerySet
from django.db.models import Value
from django.db.models import When
from pgvector.django import CosineDistance

from documents import bm25
from documents.models import Chunk

# The dense leg's share of the fused score. bench/quality.py chose 0.70 and 0.80 on either half
# of its questions (a plateau from 0.70 to 0.95); the lower end keeps more of the keyword leg,
# which finds exact identifiers (certificate numbers, contract references) and which a public
# scientific-claims set, measured from outside, favoured even more (0.5 there).
DENSE_WEIGHT = 0.7
# Each leg's best passages that make up the candidate pool: results end after the pool.
POOL = 100
# Companies holding at least this share of all chunks (and this many) are searched through the
# HNSW graph; smaller ones by reading their rows, which is then cheaper. The planner cannot
# tell the two apart: it does not know how the company filter and the vector order interact.
HNSW_MIN_SHARE = 0.03
HNSW_MIN_ROWS = 5_000


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


def dense_weight_for(mode: Mode) -> float:
    return {Mode.HYBRID: DENSE_WEIGHT, Mode.DENSE: 1.0, Mode.KEYWORD: 0.0}[mode]


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
    known = dict(dense) if vector is not None else None
    return [
        Candidate(chunk_id, document_id, similarity, scores.get(chunk_id, 0.0),
                  dense_ranks.get(chunk_id), keyword_ranks.get(chunk_id))
        for chunk_id, document_id, similarity in _documents_and_similarity(pool, vector, known)
    ]  # fmt: skip


def _documents_and_similarity(
    pool: list[Any], vector: Any, known: dict[Any, float] | None
) -> list[tuple[Any, Any, float | None]]:
    """(chunk id, document id, cosine) for the pool's chunks, in the pool's order: the cosine
    from ``known`` (the dense leg's finds), else computed; None without a vector."""
    chunks = Chunk.objects.filter(pk__in=pool)
    if known is not None:
        # CASE reads the embedding (stored out of line) only of the chunks not already known.
        unknown = [chunk_id for chunk_id in pool if chunk_id not in known]
        distance = CosineDistance("embedding", vector)
        chunks = chunks.annotate(distance=Case(When(pk__in=unknown, then=distance), default=None))
    else:
        chunks = chunks.annotate(distance=Value(None, output_field=FloatField()))
    found = {
        chunk_id: (document_id, _similarity(chunk_id, distance, known))
        for chunk_id, document_id, distance in chunks.values_list("id", "document_id", "distance")
    }
    return [(chunk_id, *found[chunk_id]) for chunk_id in pool if chunk_id in found]


def _similarity(
    chunk_id: Any, distance: float | None, known: dict[Any, float] | None
) -> float | None:
    if known is None:
        return None
    return known.get(chunk_id) if distance is None else 1 - distance


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
