import math
from urllib.parse import urlsplit

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Membership
from documents import services
from documents.models import Chunk
from documents.search import chunk_search
from documents.search import passage_search
from projects import services as projects
from tests.conftest import client_for
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
    grouped=st.booleans(),
)
def test_search_never_returns_another_companys_chunks(
    layout, query, mode, grouped, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    memberships = []
    for tenant, documents in enumerate(layout):
        membership = MembershipFactory.create(role="owner")
        memberships.append(membership)
        for number, words in enumerate(documents):
            text = " ".join([*words, f"tenant{tenant}", f"doc{number}"])
            ingest(membership.company, membership.user, f"t{tenant}-{number}.txt", text)

    for membership in memberships:
        results = passage_search(
            membership=membership, query=" ".join(query), mode=mode, group_by_document=grouped
        )
        shown = [passage.chunk_id for hit in results.hits for passage in (hit, *hit.more)]
        companies = set(Chunk.objects.filter(pk__in=shown).values_list("company_id", flat=True))
        assert companies <= {membership.company_id}


def test_the_search_api_answers_with_cited_passages(library, owner):
    response = client_for(owner).post(
        "/api/v1/search/", {"query": "apprentices", "page_size": 2}, format="json"
    )

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["document_title"] == "apprentices.md"
    assert first["document_filename"] == "apprentices.md"
    assert first["page_start"] == 1
    assert "<mark>" in first["snippet_html"]


def test_the_search_api_refuses_another_companys_bid(library, owner, outsider):
    bid = projects.project_create(
        company=membership_of(owner).company, created_by=owner, name="Bid"
    )

    response = client_for(outsider).post(
        "/api/v1/search/", {"query": "x", "project": str(bid.pk)}, format="json"
    )

    assert response.status_code == 404


def test_the_search_page_shows_highlighted_hits(library, owner):
    page = client_for(owner).get("/search/", {"q": "living wage"}).content.decode()

    assert "apprentices.md" in page
    assert "<mark>" in page


# ------------------------------------------------------------------ paging


@pytest.fixture
def cleaning_library(company, owner):
    """Fourteen documents that all mention cleaning, so a search has more than one page."""
    return [
        ingest(company, owner, f"site-{n}.txt", f"Cleaning of site {n}: daily hospital cleaning.")
        for n in range(14)
    ]


def test_the_pages_of_a_search_neither_overlap_nor_skip_a_passage(cleaning_library, owner):
    membership = membership_of(owner)
    everything = passage_search(membership=membership, query="hospital cleaning", page_size=50)
    pages = [
        passage_search(membership=membership, query="hospital cleaning", page=n, page_size=5)
        for n in (1, 2, 3)
    ]

    assert everything.count == 14
    assert [hit.chunk_id for page in pages for hit in page.hits] == [
        hit.chunk_id for hit in everything.hits
    ]
    assert [(p.previous_page, p.next_page, p.num_pages) for p in pages] == [
        (None, 2, 3), (1, 3, 3), (2, None, 3),
    ]  # fmt: skip


def test_the_search_api_pages_through_the_results(cleaning_library, owner):
    client = client_for(owner)
    first = client.post(
        "/api/v1/search/", {"query": "hospital cleaning", "page_size": 10}, format="json"
    ).json()
    second = client.post(
        "/api/v1/search/", {"query": "hospital cleaning", "page_size": 10, "page": 2}, format="json"
    ).json()

    assert (first["count"], first["num_pages"], first["next_page"]) == (14, 2, 2)
    assert (len(second["results"]), second["previous_page"], second["next_page"]) == (4, 1, None)
    seen = [hit["chunk"] for hit in first["results"] + second["results"]]
    assert len(set(seen)) == 14


@pytest.mark.parametrize("page", [0, -1, "two", 10_000])
def test_the_search_api_refuses_a_bad_page_number(cleaning_library, owner, page):
    response = client_for(owner).post(
        "/api/v1/search/", {"query": "cleaning", "page": page}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["page"]


def test_a_page_past_the_last_is_refused_with_the_last_page_named(cleaning_library, owner):
    response = client_for(owner).post(
        "/api/v1/search/", {"query": "hospital cleaning", "page": 3}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["page"] == ["There is no page 3: the results end on page 2."]


def test_the_search_page_pages_through_the_results(cleaning_library, owner):
    client = client_for(owner)

    first = client.get("/search/", {"q": "hospital cleaning"}).content.decode()
    second = client.get("/search/", {"q": "hospital cleaning", "page": "2"}).content.decode()

    assert "Page 1 of 2" in first
    assert "page=2" in first
    assert "Page 2 of 2" in second
    assert second.count('class="card hit"') == 4


@pytest.mark.parametrize("page", ["0", "abc", "3"])
def test_the_search_page_answers_a_bad_page_number_with_400_and_a_message(
    cleaning_library, owner, page
):
    response = client_for(owner).get("/search/", {"q": "hospital cleaning", "page": page})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


# ------------------------------------------------------------------ hits


def test_hits_carry_the_document_title_and_file_name(company, owner):
    document = ingest(company, owner, "itt-vol1.md", "# Scope\n\nCatering for twelve schools.")
    services.document_update(document=document, actor=owner, title="ITT volume 1")

    response = client_for(owner).post("/api/v1/search/", {"query": "catering"}, format="json")
    page = client_for(owner).get("/search/", {"q": "catering"}).content.decode()

    hit = response.json()["results"][0]
    assert (hit["document_title"], hit["document_filename"]) == ("ITT volume 1", "itt-vol1.md")
    assert "ITT volume 1" in page
    assert "itt-vol1.md" in page


def long_document(company, owner):
    """A document with 25 sections, so its passages fill two pages of the document page."""
    sections = "\n\n".join(f"# Section {n}\n\nRoutine text about topic {n}." for n in range(24))
    text = f"{sections}\n\n# Asbestos\n\nAsbestos surveys are commissioned before any works."
    return ingest(company, owner, "long.md", text)


def test_a_hit_opens_its_document_at_the_passage_highlighted(company, owner):
    long_document(company, owner)
    client = client_for(owner)

    hit = client.post("/api/v1/search/", {"query": "asbestos surveys"}, format="json").json()[
        "results"
    ][0]
    url = urlsplit(hit["url"])
    page = client.get(f"{url.path}?{url.query}").content.decode()

    assert (url.scheme, url.netloc, url.fragment) == (
        "http",
        "testserver",
        f"passage-{hit['chunk']}",
    )
    focused = page.split('class="chunk--focus"', 1)[1].split("</li>", 1)[0]
    assert "Asbestos surveys are commissioned" in focused
    assert "Page 2 of 2" in page  # the passage is the 25th: on the second page of passages


def test_the_search_page_links_each_hit_to_its_passage(company, owner):
    document = long_document(company, owner)
    passage = Chunk.objects.get(document=document, heading="Asbestos")

    page = client_for(owner).get("/search/", {"q": "asbestos surveys"}).content.decode()

    assert f"/documents/{document.pk}/?passage={passage.pk}#passage-{passage.pk}" in page


# ------------------------------------------------------------------ grouping


@pytest.fixture
def policies(company, owner):
    handbook = ingest(
        company,
        owner,
        "handbook.md",
        "# Recycling\n\nWe recycle office waste.\n\n# Food waste\n\nFood waste is recycled "
        "into compost.\n\n# Glass\n\nGlass recycling is collected weekly.",
    )
    ingest(company, owner, "carbon.md", "# Carbon\n\nRecycling cut our carbon by a tenth.")
    return handbook


def test_grouped_results_show_each_document_once_with_its_other_passages(policies, owner):
    results = passage_search(
        membership=membership_of(owner), query="recycling", group_by_document=True
    )

    assert sorted(hit.document_title for hit in results.hits) == ["carbon.md", "handbook.md"]
    assert results.count == 2
    handbook = next(hit for hit in results.hits if hit.document_title == "handbook.md")
    assert len(handbook.more) == 2
    assert {other.document_id for other in handbook.more} == {handbook.document_id}
    assert handbook.score >= max(other.score for other in handbook.more)


def test_the_search_api_groups_by_document_on_request(policies, owner):
    response = client_for(owner).post(
        "/api/v1/search/", {"query": "recycling", "group_by_document": True}, format="json"
    )

    body = response.json()
    assert body["grouped"] is True
    assert len({hit["document"] for hit in body["results"]}) == len(body["results"]) == 2
    assert sum(len(hit["more"]) for hit in body["results"]) == 2


def test_the_search_page_shows_more_from_this_document(policies, owner):
    page = client_for(owner).get("/search/", {"q": "recycling", "group": "on"}).content.decode()

    assert page.count('class="card hit"') == 2
    assert "2 more from this document" in page


# ------------------------------------------------------------------ fusion and modes


def test_a_passage_found_by_one_leg_is_scored_by_both(library, owner, monkeypatch):
    from documents import ranking
    from documents import search

    monkeypatch.setattr(ranking, "POOL", 1)  # each leg finds only its best passage
    membership = membership_of(owner)
    query = "apprentices living wage"

    pool = ranking.candidates(
        search.search_scope(membership=membership), company_id=membership.company_id,
        query=query, vector=search.query_vector(query), mode=ranking.Mode.HYBRID, graph=False,
    )  # fmt: skip

    assert pool
    assert all(candidate.similarity is not None for candidate in pool)
    for candidate in pool:
        words = Chunk.objects.get(pk=candidate.chunk_id).text.lower()
        assert (candidate.bm25 > 0) == any(word in words for word in ("apprentice", "wage"))


def test_fusion_blends_both_legs_scaled_over_the_pool():
    from documents.ranking import Candidate
    from documents.ranking import fuse

    pool = [
        Candidate("a", "d1", similarity=0.9, bm25=0.0),  # meaning only
        Candidate("b", "d2", similarity=0.5, bm25=4.0),  # keywords only
        Candidate("c", "d3", similarity=0.8, bm25=3.0),  # good at both
    ]

    ranked = fuse(pool, dense_weight=0.5)

    assert [item.candidate.chunk_id for item in ranked] == ["c", "a", "b"]  # a tie goes by id
    assert [item.score for item in ranked] == pytest.approx([0.75, 0.5, 0.5])


def test_the_search_page_says_which_mode_ran(library, owner):
    client = client_for(owner)

    hybrid = client.get("/search/", {"q": "ISO"}).content.decode()
    keyword = client.get("/search/", {"q": "ISO", "mode": "keyword"}).content.decode()

    assert "Hybrid search: meaning and keywords" in hybrid
    assert "Keywords only" in keyword


@pytest.fixture
def unreachable_embeddings(settings):
    """The configured embedding endpoint refuses connections (nothing listens on port 9)."""
    from documents.embeddings import embedder

    settings.EMBEDDING_PROVIDER = "openai"
    settings.EMBEDDING_BASE_URL = "http://127.0.0.1:9/v1"
    embedder.cache_clear()
    yield
    embedder.cache_clear()


def test_search_falls_back_to_keywords_when_the_query_cannot_be_embedded(
    library, owner, unreachable_embeddings
):
    client = client_for(owner)

    body = client.post("/api/v1/search/", {"query": "ISO 9001"}, format="json").json()
    page = client.get("/search/", {"q": "ISO 9001"}).content.decode()

    assert (body["mode"], body["results"][0]["document_title"]) == ("keyword", "iso.md")
    assert body["fallback"] == "Meaning-based search is unavailable right now."
    assert body["results"][0]["similarity"] is None
    assert "Keywords only" in page
    assert "Meaning-based search is unavailable right now." in page


def test_chunk_search_reports_an_unreachable_embedding_service(
    library, owner, unreachable_embeddings
):
    from documents.search import EmbeddingUnavailableError

    with pytest.raises(EmbeddingUnavailableError):
        chunk_search(membership=membership_of(owner), query="ISO 9001")


# ------------------------------------------------------------------ the published schema


def test_search_responses_match_the_published_schema(policies, owner, outsider):
    client = client_for(owner)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(owner)
    foreign_bid = projects.project_create(
        company=membership_of(outsider).company, created_by=outsider, name="Theirs"
    )
    search = "/api/v1/search/"

    responses = {
        200: client.post(search, {"query": "recycling", "group_by_document": True}, format="json"),
        400: client.post(search, {"query": "recycling", "page": 9}, format="json"),
        401: APIClient().post(search, {"query": "recycling"}, format="json"),
        403: browser.post(search, {"query": "recycling"}, format="json"),
        404: client.post(search, {"query": "x", "project": str(foreign_bid.pk)}, format="json"),
        415: client.post(search, {"query": "recycling"}),  # a form, not JSON
    }

    for expected, response in responses.items():
        assert response.status_code == expected
        validate_against_schema(search, "post", response)


def test_a_blank_query_is_refused(library, owner):
    response = client_for(owner).post("/api/v1/search/", {"query": "   "}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["query"]


def validate_against_schema(path, method, response):
    """The response body validates against the OpenAPI schema documented for its status."""
    import jsonschema  # type: ignore[import-untyped]
    from drf_spectacular.generators import SchemaGenerator

    schema = _json_schema(SchemaGenerator().get_schema(request=None, public=True))
    responses = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{response.status_code} is not documented"
    body_schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**body_schema, "components": schema["components"]})


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` made plain JSON Schema."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


def test_naming_another_companys_documents_finds_nothing(library, outsider):
    response = client_for(outsider).post(
        "/api/v1/search/",
        {"query": "ISO 9001", "documents": [str(document.pk) for document in library]},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (0, [])
