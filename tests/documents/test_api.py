import uuid

import pytest

from documents import services
from documents.models import Document
from projects import services as projects
from tests.conftest import client_for
from tests.documents import files
from tests.documents.conftest import tender_pdf
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db


def post_files(client, *uploads, **fields):
    return client.post("/api/v1/documents/", {"files": list(uploads), **fields}, format="multipart")


def test_uploading_several_files_accepts_the_good_and_explains_the_refused(member):
    response = post_files(
        client_for(member),
        upload("itt.pdf", tender_pdf()),
        upload("prices.xlsx", files.xlsx_file()),
        upload("virus.pdf", b"MZ\x90\x00rest"),
        label="primary",
    )

    assert response.status_code == 201
    body = response.json()
    assert sorted(doc["filename"] for doc in body["uploaded"]) == ["itt.pdf", "prices.xlsx"]
    assert body["refused"] == [
        {"filename": "virus.pdf", "reason": "“virus.pdf” is a program, not a document."}
    ]
    assert {doc["status"] for doc in body["uploaded"]} == {"queued"}


def test_an_upload_where_nothing_is_accepted_is_a_400(member):
    response = post_files(client_for(member), upload("empty.txt", b""))

    assert response.status_code == 400
    assert response.json()["refused"][0]["reason"] == "“empty.txt” is empty."
    assert not Document.objects.exists()


def test_a_duplicate_is_reported_among_the_refused(member):
    client = client_for(member)
    post_files(client, upload("itt.pdf", tender_pdf()))

    response = post_files(client, upload("again.pdf", tender_pdf()))

    assert "already uploaded" in response.json()["refused"][0]["reason"]
    assert Document.objects.count() == 1


def test_viewers_cannot_add_to_the_company_library(viewer):
    assert post_files(client_for(viewer), upload("a.txt", b"text")).status_code == 403


def test_bid_documents_need_a_bid_editor(company, owner, member):
    bid = projects.project_create(company=company, created_by=owner, name="Courts cleaning")
    client = client_for(member)
    assert (
        post_files(client, upload("a.txt", b"text"), project=str(bid.pk)).status_code == 404
    )  # not on the bid

    projects.project_member_set(project=bid, user=member, role="reviewer", actor=owner)
    assert post_files(client, upload("a.txt", b"text"), project=str(bid.pk)).status_code == 403

    projects.project_member_set(project=bid, user=member, role="writer", actor=owner)
    assert post_files(client, upload("a.txt", b"text"), project=str(bid.pk)).status_code == 201


def test_a_bids_documents_are_hidden_from_members_not_on_it(company, owner, member):
    bid = projects.project_create(company=company, created_by=owner, name="Courts cleaning")
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("a.txt", b"secret"), project=bid
    )

    assert client_for(member).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert client_for(member).get("/api/v1/documents/").json()["count"] == 0
    assert client_for(owner).get("/api/v1/documents/").json()["count"] == 1


def test_download_returns_the_original_file_as_an_attachment(company, owner):
    original = tender_pdf()  # built once: a PDF carries its creation time
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("itt.pdf", original)
    )

    response = client_for(owner).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="itt.pdf"')
    assert response.getvalue() == original


def test_status_progress_and_chunks_after_ingestion(company, owner):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("itt.pdf", tender_pdf())
    )
    services.document_ingest(document_id=document.pk)
    client = client_for(owner)

    detail = client.get(f"/api/v1/documents/{document.pk}/").json()
    chunks = client.get(f"/api/v1/documents/{document.pk}/chunks/").json()["results"]

    assert (detail["status"], detail["progress"], detail["page_count"]) == ("ready", 100, 2)
    assert [chunk["page_start"] for chunk in chunks] == [1, 2, 2]
    assert chunks[2]["heading"] == "2. Requirements > 2.1 Social value"


def test_label_title_trash_restore_and_reprocess(
    company, owner, django_capture_on_commit_callbacks
):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("itt.pdf", tender_pdf())
    )
    services.document_ingest(document_id=document.pk)
    client = client_for(owner)
    url = f"/api/v1/documents/{document.pk}/"

    assert (
        client.patch(url, {"label": "primary", "title": "ITT volume 1"}, format="json").json()[
            "label"
        ]
        == "primary"
    )
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.post(f"{url}restore/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # its task reaches the queue
        assert client.post(f"{url}reprocess/").json()["status"] == "queued"
    assert client.post(f"{url}reprocess/").status_code == 409


def test_bid_lists_and_the_dashboard_count_each_bids_documents(company, owner, member):
    bid = projects.project_create(company=company, created_by=owner, name="Courts cleaning")
    projects.project_member_set(project=bid, user=member, role="writer", actor=owner)
    for n in range(3):
        services.document_upload(
            company=company,
            uploaded_by=owner,
            file=upload(f"d{n}.txt", f"doc {n}".encode()),
            project=bid,
        )
    trashed = services.document_upload(
        company=company, uploaded_by=owner, file=upload("old.txt", b"old"), project=bid
    )
    services.document_trash(document=trashed, actor=owner)
    projects.project_create(company=company, created_by=owner, name="Library refit")
    client = client_for(owner)

    listed = client.get("/api/v1/projects/?ordering=name").json()["results"]
    board = client.get("/dashboard/").context["board"]

    assert [(row["name"], row["document_count"]) for row in listed] == [
        ("Courts cleaning", 3),
        ("Library refit", 0),
    ]
    assert sorted(row["document_count"] for row in board["mine"]) == [0, 3]


def uploaded(member, *names):
    response = post_files(client_for(member), *(upload(name, name.encode() * 3) for name in names))
    return [doc["id"] for doc in response.json()["uploaded"]]


def test_the_document_list_honours_page_size_up_to_a_hundred(member):
    client = client_for(member)
    uploaded(member, "a.txt", "b.txt", "c.txt")

    page = client.get("/api/v1/documents/?page_size=2").json()
    too_many = client.get("/api/v1/documents/?page_size=101")

    assert (page["count"], page["num_pages"], page["page_size"]) == (3, 2, 2)
    assert len(page["results"]) == 2
    assert page["next"].endswith("/api/v1/documents/?page=2&page_size=2")
    assert too_many.status_code == 400
    assert "page_size" in too_many.json()["errors"]


def test_a_page_past_the_end_is_the_last_page(member):
    uploaded(member, "a.txt", "b.txt")

    page = client_for(member).get("/api/v1/documents/?page_size=1&page=9").json()

    assert (page["page"], len(page["results"])) == (2, 1)


def test_the_status_of_many_documents_comes_in_one_request(member):
    first, second, _ = uploaded(member, "a.txt", "b.txt", "c.txt")
    client = client_for(member)

    by_ids = client.get(f"/api/v1/documents/?id={first},{second}&id={uuid.uuid4()}").json()
    queued = client.get("/api/v1/documents/?status=queued,failed").json()
    ready = client.get("/api/v1/documents/?status=ready").json()

    assert {doc["id"] for doc in by_ids["results"]} == {first, second}
    assert {doc["status"] for doc in by_ids["results"]} == {"queued"}
    assert queued["count"] == 3
    assert ready["count"] == 0


def test_a_malformed_id_or_status_filter_is_a_400_naming_the_parameter(member):
    client = client_for(member)

    assert "id" in client.get("/api/v1/documents/?id=nope").json()["errors"]
    assert "status" in client.get("/api/v1/documents/?status=lost").json()["errors"]
    assert "status" in client.get("/api/v1/documents/?status=").json()["errors"]


def test_an_outsiders_document_ids_filter_finds_nothing(member, outsider):
    [mine] = uploaded(member, "a.txt")

    page = client_for(outsider).get(f"/api/v1/documents/?id={mine}").json()

    assert page["count"] == 0
