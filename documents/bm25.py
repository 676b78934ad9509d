"""BM25 over PostgreSQL's own text search lexemes, with per-company statistics kept in tables.

``to_tsvector('english', …)`` tokenises and stems (the generated ``Chunk.search_vector``);
``TermStat`` holds each lexeme's chunk frequency per company and ``CorpusStat`` the company's
chunk count and total length. Both move in the same transaction as the chunks they describe.
Scoring is Okapi BM25 (k1 = 1.2, b = 0.75) with the query's lexemes OR-ed, never AND-ed.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import QuerySet

from documents.models import Chunk

K1 = 1.2
B = 0.75

_DOCUMENT_TERMS = """
    SELECT c.company_id, u.lexeme, count(*) AS n
    FROM documents_chunk c, unnest(c.search_vector) u
    WHERE c.document_id = %(document)s
    GROUP BY c.company_id, u.lexeme
"""


def index_document(document_id: Any) -> None:
    """Add a document's freshly written chunks to its company's statistics."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE documents_chunk c SET term_freqs = f.freqs, term_count = f.total
            FROM (
                SELECT c2.id, sum(coalesce(array_length(u.positions, 1), 1)) AS total,
                       jsonb_object_agg(u.lexeme, coalesce(array_length(u.positions, 1), 1)) AS freqs
                FROM documents_chunk c2, unnest(c2.search_vector) u
                WHERE c2.document_id = %(document)s
                GROUP BY c2.id
            ) f
            WHERE c.id = f.id
            """,
            {"document": document_id},
        )
        # ORDER BY: concurrent ingestions lock term rows in the same order, so they cannot deadlock.
        cursor.execute(
            f"""
            INSERT INTO documents_termstat (company_id, term, chunk_count)
            SELECT company_id, lexeme, n FROM ({_DOCUMENT_TERMS}) d ORDER BY lexeme
            ON CONFLICT (company_id, term)
            DO UPDATE SET chunk_count = documents_termstat.chunk_count + EXCLUDED.chunk_count
            """,  # noqa: S608 - a constant fragment, values are parameters
            {"document": document_id},
        )
        cursor.execute(
            """
            INSERT INTO documents_corpusstat (company_id, chunk_count, term_count)
            SELECT company_id, count(*), coalesce(sum(term_count), 0)
            FROM documents_chunk WHERE document_id = %(document)s GROUP BY company_id
            ON CONFLICT (company_id) DO UPDATE SET
                chunk_count = documents_corpusstat.chunk_count + EXCLUDED.chunk_count,
                term_count = documents_corpusstat.term_count + EXCLUDED.term_count
            """,
            {"document": document_id},
        )


def unindex_document(document_id: Any) -> None:
    """Take a document's chunks out of the statistics (call before deleting them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE documents_termstat t SET chunk_count = t.chunk_count - d.n
            FROM (SELECT * FROM ({_DOCUMENT_TERMS}) x ORDER BY lexeme) d
            WHERE t.company_id = d.company_id AND t.term = d.lexeme
            """,  # noqa: S608 - a constant fragment, values are parameters
            {"document": document_id},
        )
        cursor.execute(
            """
            UPDATE documents_corpusstat s SET chunk_count = s.chunk_count - d.chunks,
                term_count = s.term_count - d.terms
            FROM (SELECT company_id, count(*) AS chunks, coalesce(sum(term_count), 0) AS terms
                  FROM documents_chunk WHERE document_id = %(document)s GROUP BY company_id) d
            WHERE s.company_id = d.company_id
            """,
            {"document": document_id},
        )
        cursor.execute("DELETE FROM documents_termstat WHERE chunk_count <= 0")


# Each matching chunk is scored in one row expression: a term for each query lexeme, no join or
# grouping. ``term_freqs || '{}'`` decompresses the stored jsonb once per chunk rather than once
# per query lexeme; ``(k1 + 1) * (1 - K / (tf + K))`` is ``tf * (k1 + 1) / (tf + K)`` reading tf once.
TERM_SCORE = "coalesce(%s::float8 * (1 - x.norm / ((x.freqs -> %s)::float8 + x.norm)), 0)"
SCORE_SQL = """
    SELECT m.id, {score} AS score
    FROM ({matched}) m
    CROSS JOIN LATERAL (
        SELECT m.term_freqs || '{{}}'::jsonb AS freqs,
               %s::float8 * (1 - %s::float8 + %s::float8 * m.term_count / %s::float8) AS norm
        OFFSET 0
    ) x
    ORDER BY score DESC, m.id
    LIMIT %s
"""
# Chunks matching the rarer query terms, up to about this many, are scored first (see bm25_search).
FIRST_PASS_ROWS = 5_000
# Beyond this many matching chunks (words common across a large library) exactness is given up:
# only chunks with the rarer terms are ranked. Scoring grows with matches, a few us each.
MAX_SCORED_ROWS = 20_000


@dataclass(frozen=True)
class Weights:
    """A query's terms with their chunk frequency and idf in one company, rarest first."""

    terms: list[tuple[str, int, float]]
    avgdl: float

    def ceiling(self, terms: list[tuple[str, int, float]]) -> float:
        """The most a chunk can score from these terms alone (tf saturates below k1 + 1)."""
        return sum(idf * (K1 + 1) for _, _, idf in terms)


def query_weights(company_id: Any, terms: list[str]) -> Weights:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.term, t.chunk_count, ln(1 + (s.chunk_count - t.chunk_count + 0.5) / (t.chunk_count + 0.5)),
                   greatest(s.term_count::float / greatest(s.chunk_count, 1), 1)
            FROM documents_termstat t JOIN documents_corpusstat s ON s.company_id = t.company_id
            WHERE t.company_id = %s AND t.term = ANY(%s)
            ORDER BY t.chunk_count, t.term
            """,
            [company_id, terms],
        )
        rows = cursor.fetchall()
    return Weights(
        [(term, df, float(idf)) for term, df, idf, _ in rows], rows[0][3] if rows else 1.0
    )


def lexemes_of(texts: list[str]) -> list[set[str]]:
    """Each text's lexemes as Postgres's English text search makes them, in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT array(SELECT lexeme FROM unnest(to_tsvector('english', t)))
            FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n
            """,
            [texts],
        )
        return [set(row[0]) for row in cursor.fetchall()]


def any_term(terms: list[str]) -> SearchQuery:
    """A tsquery matching chunks with any of the terms (OR, never AND)."""
    quoted = " | ".join("'" + term.replace("'", "''") + "'" for term in terms)
    return SearchQuery(quoted, search_type="raw", config="simple")


def weights_for(company_id: Any, query: str) -> Weights:
    """The query's lexemes weighted by the company's statistics (none known: no terms)."""
    return query_weights(company_id, sorted(lexemes_of([query])[0]))


def bm25_search(
    *, company_id: Any, query: str, scope: QuerySet[Any], limit: int, weights: Weights | None = None
) -> list[tuple[Any, float]]:
    """(chunk id, BM25 score) of the best-matching chunks of the scope, best first.

    The GIN index finds the scope's chunks containing a query term, and only those are scored.
    Exact, but cheaper for common words (MaxScore): chunks with one of the rarer terms are
    scored first; when the last of the ``limit`` best already outscores anything the common
    terms alone could add up to, no other chunk can enter, so the common terms' many matches
    are never read. Only when that fails and all terms together match more than
    MAX_SCORED_ROWS chunks is the first pass kept: chunks carrying nothing but very common
    words (which score little) are then not considered.
    """
    weights = weights or weights_for(company_id, query)
    if not weights.terms:
        return []
    rare, common = _split(weights.terms)
    hits = _scored(scope, weights, rare, limit)
    affordable = sum(df for _, df, _ in weights.terms) <= MAX_SCORED_ROWS
    if common and affordable and (len(hits) < limit or hits[-1][1] <= weights.ceiling(common)):
        hits = _scored(scope, weights, weights.terms, limit)
    return hits


def bm25_scores(*, weights: Weights, chunk_ids: list[Any]) -> dict[Any, float]:
    """The BM25 score of each of these chunks (found by a search already scoped); a chunk
    holding none of the query's terms is left out, as it scores 0."""
    if not weights.terms or not chunk_ids:
        return {}
    chunks = Chunk.objects.filter(pk__in=chunk_ids)
    return dict(_scored(chunks, weights, weights.terms, len(chunk_ids)))


def _split(terms: list[tuple[str, int, float]]) -> tuple[list[Any], list[Any]]:
    """The rarest terms whose matches add up to FIRST_PASS_ROWS (at least one), and the rest."""
    rows, cut = 0, 0
    while cut < len(terms) and (cut == 0 or rows + terms[cut][1] <= FIRST_PASS_ROWS):
        rows += terms[cut][1]
        cut += 1
    return terms[:cut], terms[cut:]


def _scored(
    scope: QuerySet[Any], weights: Weights, matching: list[tuple[str, int, float]], limit: int
) -> list[tuple[Any, float]]:
    """The best ``limit`` chunks containing any of ``matching``, scored on all query terms."""
    matched = scope.filter(search_vector=any_term([term for term, _, _ in matching])).order_by()
    sql, params = matched.values("id", "term_count", "term_freqs").query.sql_with_params()
    score = " + ".join([TERM_SCORE] * len(weights.terms))
    term_params = [value for term, _, idf in weights.terms for value in (idf * (K1 + 1), term)]
    with connection.cursor() as cursor:
        cursor.execute(
            SCORE_SQL.format(score=score, matched=sql),
            [*term_params, *params, K1, B, B, weights.avgdl, limit],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]
