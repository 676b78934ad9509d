import math

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Membership
from documents import services
from documents.models import Chunk
from documents.search import chunk_search
from projects import services as projects
from tests.documents.conftest import ingest
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIBRARY = {
    "apprentices.md": "# Social value\n\nWe train twelve local apprentices every year and pay the real living wage.",
    "iso.md": "# Quality\n\nWe hold ISO 9001 and ISO 14001 certification, audited annually by BSI.",
    "mobilisation.md": "# Mobilisation\n\nA TUPE transfer plan moves staff in four weeks with no loss of service.",
}


@pytest.fixture
def library(company, owner):
    return [ingest(company, owner, name, text) for name, text in LIBRARY.items()]


def membership_of(user):
    return Membership.objects.select_related("company").get(user=user)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_each_mode_finds_the_passage_that_answers(library, owner, mode):
    hits = chunk_search(
        membership=membership_of(owner), query="ISO 9001 certification", mode=mode, k=3
    )

    assert hits[0].document_title == "iso.md"
    assert hits[0].heading == "Quality"


def test_dense_search_understands_a_paraphrase(library, owner):
    hits = chunk_search(
        membership=membership_of(owner), query="how many trainees do you take on", mode="dense", k=1
    )

    assert hits[0].document_title == "apprentices.md"


def test_keyword_scores_are_bm25_over_postgres_lexemes(library, owner, company):
    from documents import bm25
    from documents.search import search_scope

    ingest(
        company,
        owner,
        "more.md",
        "# Audit\n\nOur ISO audit found no issues; certification renewed and audited again.",
    )
    query = "ISO certification audited"
    scope = search_scope(membership=membership_of(owner))

    scored = bm25.bm25_search(company_id=company.pk, query=query, scope=scope, limit=10)

    expected = _reference_bm25(company, query)
    assert [chunk_id for chunk_id, _ in scored] == sorted(
        (chunk_id for chunk_id, score in expected.items() if score > 0),
        key=lambda c: (-expected[c], str(c)),
    )
    for chunk_id, score in scored:
        assert score == pytest.approx(expected[chunk_id], rel=1e-9)


@pytest.mark.parametrize(
    ("query", "limit"), [("catering tender", 2), ("catering tender", 6), ("tender", 3)]
)
def test_scoring_the_rarer_terms_first_gives_the_exact_bm25_ranking(
    company, owner, monkeypatch, query, limit
):
    from documents import bm25
    from documents.search import search_scope

    monkeypatch.setattr(bm25, "FIRST_PASS_ROWS", 1)  # only the rarest term goes first
    tenders(company, owner, total=8, catering=3)
    scope = search_scope(membership=membership_of(owner))

    scored = bm25.bm25_search(company_id=company.pk, query=query, scope=scope, limit=limit)

    expected = _reference_bm25(company, query)
    best = sorted(
        (c for c, score in expected.items() if score > 0), key=lambda c: (-expected[c], str(c))
    )
    assert [chunk_id for chunk_id, _ in scored] == best[:limit]


def test_beyond_the_scoring_budget_only_chunks_with_the_rarer_terms_are_ranked(
    company, owner, monkeypatch
):
    from documents import bm25
    from documents.search import search_scope

    monkeypatch.setattr(bm25, "FIRST_PASS_ROWS", 1)
    monkeypatch.setattr(bm25, "MAX_SCORED_ROWS", 1)
    tenders(company, owner, total=6, catering=2)
    scope = search_scope(membership=membership_of(owner))

    scored = bm25.bm25_search(company_id=company.pk, query="catering tender", scope=scope, limit=5)

    expected = _reference_bm25(company, "catering tender")
    catering = _chunks_with(company, "cater")
    with_rare_term = sorted(catering, key=lambda c: (-expected[c], str(c)))
    assert [chunk_id for chunk_id, _ in scored] == with_rare_term


def tenders(company, owner, *, total, catering):
    """``total`` tenders, the first ``catering`` of them also about catering (a rarer word)."""
    for number in range(total):
        extra = " We cater, catering daily." if number < catering else ""
        ingest(
            company,
            owner,
            f"bid-{number}.md",
            f"# Bid {number}\n\nA tender for site {number}.{extra}",
        )


def _chunks_with(company, lexeme):
    from documents.models import Chunk

    return set(
        Chunk.objects.filter(company=company, term_freqs__has_key=lexeme).values_list(
            "pk", flat=True
        )
    )


def _reference_bm25(company, query, k1=1.2, b=0.75):
    """Okapi BM25 computed in Python from the same lexemes, as an oracle."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array(SELECT lexeme FROM unnest(to_tsvector('english', %s)))", [query]
        )
        terms = set(cursor.fetchone()[0])
        cursor.execute(
            "SELECT c.id, u.lexeme, coalesce(array_length(u.positions, 1), 1) FROM documents_chunk c, "
            "unnest(c.search_vector) u WHERE c.company_id = %s",
            [company.pk],
        )
        rows = cursor.fetchall()
    tf: dict = {}
    for chunk_id, lexeme, count in rows:
        tf.setdefault(chunk_id, {})[lexeme] = count
    n = len(tf)
    avgdl = sum(sum(t.values()) for t in tf.values()) / n
    df = {term: sum(1 for t in tf.values() if term in t) for term in terms}
    return {
        chunk_id: sum(
            math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5)) * t[term] * (k1 + 1)
            / (t[term] + k1 * (1 - b + b * sum(t.values()) / avgdl))
            for term in terms if term in t
        )
        for chunk_id, t in tf.items()
    }  # fmt: skip


def test_statistics_follow_ingestion_and_deletion(library, owner, company):
    from documents.models import CorpusStat
    from documents.models import TermStat

    assert CorpusStat.objects.get(company=company).chunk_count == 3
    assert TermStat.objects.get(company=company, term="iso").chunk_count == 1

    library[1].delete()

    assert CorpusStat.objects.get(company=company).chunk_count == 2
    assert not TermStat.objects.filter(company=company, term="iso").exists()


def test_a_filtered_search_still_returns_k_results(company, owner):
    for n in range(12):
        ingest(
            company,
            owner,
            f"ref{n}.txt",
            f"Cleaning services reference {n} for hospitals and schools.",
        )
    for n in range(5):
        ingest(
            company,
            owner,
            f"itt{n}.txt",
            f"Tender question {n} about cleaning hospitals.",
            label="primary",
        )

    hits = chunk_search(
        membership=membership_of(owner), query="hospital cleaning", labels=["primary"], k=5
    )

    assert len(hits) == 5
    assert {hit.label for hit in hits} == {"primary"}


def test_snippets_highlight_the_query_and_escape_the_document(company, owner):
    ingest(company, owner, "x.txt", "Our approach to <b>waste</b> recycling.")

    hit = chunk_search(membership=membership_of(owner), query="recycling", k=1)[0]

    assert "<mark>recycling</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html


def test_highlighted_snippets_are_escaped_before_the_marks_go_in():
    from documents.search import START
    from documents.search import STOP
    from documents.search import _marked

    assert (
        _marked(f"costs < 5 & {START}recycling{STOP}")
        == "costs &lt; 5 &amp; <mark>recycling</mark>"
    )


def test_trashed_and_unseen_bid_documents_are_not_searched(company, owner, member):
    bid = projects.project_create(company=company, created_by=owner, name="Secret bid")
    ingest(
        company, owner, "bid.txt", "Confidential pricing for the hospital contract.", project=bid
    )
    trashed = ingest(company, owner, "old.txt", "Old hospital pricing.")
    services.document_trash(document=trashed, actor=owner)

    assert [
        hit.document_title
        for hit in chunk_search(membership=membership_of(owner), query="hospital pricing")
    ] == ["bid.txt"]
    assert chunk_search(membership=membership_of(member), query="hospital pricing") == []


WORDS = ["cleaning", "security", "catering", "hospital", "school", "apprentice", "carbon", "waste"]


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    layout=st.lists(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=8), min_size=1, max_size=3),
        min_size=2,
        max_size=3,
    ),
    query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    mode=st.sampled_from(["hybrid", "dense", "keyword"]),
)
def test_search_never_returns_another_companys_chunks(layout, query, mode, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    memberships = []
    for tenant, documents in enumerate(layout):
        membership = MembershipFactory.create(role="owner")
        memberships.append(membership)
        for number, words in enumerate(documents):
            text = " ".join([*words, f"tenant{tenant}", f"doc{number}"])
            ingest(membership.company, membership.user, f"t{tenant}-{number}.txt", text)

    for membership in memberships:
        hits = chunk_search(membership=membership, query=" ".join(query), mode=mode, k=10)
        companies = set(
            Chunk.objects.filter(pk__in=[hit.chunk_id for hit in hits]).values_list(
                "company_id", flat=True
            )
        )
        assert companies <= {membership.company_id}


def test_the_search_api_answers_with_cited_passages(library, owner):
    from tests.conftest import client_for

    response = client_for(owner).post(
        "/api/v1/search/", {"query": "apprentices", "k": 2}, format="json"
    )

    assert response.status_code == 200
    first = response.json()[0]
    assert first["document_title"] == "apprentices.md"
    assert first["page_start"] == 1
    assert "<mark>" in first["snippet_html"]


def test_the_search_api_refuses_another_companys_bid(library, owner, outsider):
    from tests.conftest import client_for

    bid = projects.project_create(
        company=membership_of(owner).company, created_by=owner, name="Bid"
    )

    response = client_for(outsider).post(
        "/api/v1/search/", {"query": "x", "project": str(bid.pk)}, format="json"
    )

    assert response.status_code == 404


def test_the_search_page_shows_highlighted_hits(library, owner):
    from tests.conftest import client_for

    page = client_for(owner).get("/search/", {"q": "living wage"}).content.decode()

    assert "apprentices.md" in page
    assert "<mark>" in page
