import pytest

from documents import services
from documents.models import Document
from projects import services as projects
from tests.conftest import client_for
from tests.documents import files
from tests.documents.conftest import tender_pdf
from tests.documents.conftest import upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_uploading_from_the_library_page_without_javascript(member):
    response = client_for(member).post(
        "/documents/upload/",
        {
            "files": [upload("itt.pdf", tender_pdf()), upload("bad.pdf", b"nope")],
            "label": "primary",
        },
        follow=True,
    )

    assert Document.objects.get().title == "itt.pdf"
    content = response.content.decode()
    assert "“itt.pdf” was uploaded and is being processed." in content
    assert "“bad.pdf” is named .pdf but is not a PDF file." in content


def test_the_library_lists_filters_and_shows_status_and_failure_reasons(company, owner):
    ready = services.document_upload(
        company=company, uploaded_by=owner, file=upload("itt.pdf", tender_pdf())
    )
    services.document_ingest(document_id=ready.pk)
    failed = services.document_upload(
        company=company, uploaded_by=owner, file=upload("scan.pdf", files.pdf([[]]))
    )
    services.document_ingest(document_id=failed.pk)
    client = client_for(owner)

    page = client.get("/documents/").content.decode()
    only_failed = client.get("/documents/", {"status": "failed"}).content.decode()

    assert "itt.pdf" in page
    assert "No text was found" in page
    assert "itt.pdf" not in only_failed


def test_the_document_page_shows_passages_by_page_and_downloads(company, owner):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("itt.pdf", tender_pdf())
    )
    services.document_ingest(document_id=document.pk)
    client = client_for(owner)

    page = client.get(f"/documents/{document.pk}/").content.decode()
    download = client.get(f"/documents/{document.pk}/download/")

    assert "2. Requirements &gt; 2.1 Social value" in page
    assert "Page 2" in page
    assert download["Content-Disposition"].startswith("attachment")


def test_uploading_into_a_bid_from_its_page(company, owner):
    bid = projects.project_create(company=company, created_by=owner, name="Courts cleaning")

    response = client_for(owner).post(
        "/documents/upload/",
        {"files": [upload("spec.txt", b"Specification")], "label": "secondary", "project": bid.pk},
    )

    assert response["Location"] == f"/bids/{bid.pk}/"
    assert Document.objects.get().project == bid
    assert "spec.txt" in client_for(owner).get(f"/bids/{bid.pk}/").content.decode()


def test_viewers_see_the_library_but_cannot_change_it(company, owner, viewer):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("policy.txt", b"Quality policy")
    )
    client = client_for(viewer)

    assert client.get(f"/documents/{document.pk}/").status_code == 200
    assert client.post(f"/documents/{document.pk}/trash/").status_code == 403
    assert client.post("/documents/upload/", {"files": [upload("x.txt", b"x")]}).status_code == 403


def test_document_admin_pages_work(company, owner, client):
    services.document_upload(
        company=company, uploaded_by=owner, file=upload("policy.txt", b"Quality policy")
    )
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))

    assert client.get("/admin/documents/document/").status_code == 200
    assert client.get("/admin/documents/chunk/").status_code == 200
