import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ActivityLog
from bidscript.exceptions import Conflict
from documents import services
from documents.ingest.validation import UploadRefused
from documents.models import Chunk
from documents.models import Document
from tests.documents import files
from tests.documents.conftest import tender_pdf
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db

Status = Document.Status


def ingest(document_id) -> Document:
    document = services.document_ingest(document_id=document_id)
    assert document is not None
    return document


@pytest.fixture
def queued(company, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.document_upload(
            company=company, uploaded_by=owner, file=upload("itt.pdf", tender_pdf())
        )


def test_an_upload_is_stored_privately_and_queued(queued, company):
    assert queued.status == Status.QUEUED
    assert queued.kind == "pdf"
    assert queued.page_count == 2
    assert queued.file.name == f"documents/{company.pk}/{queued.pk}.pdf"
    assert ActivityLog.objects.filter(action="document.uploaded", target_id=str(queued.pk)).exists()


def test_ingestion_makes_page_and_heading_aware_chunks_with_vectors(queued):
    document = ingest(queued.pk)

    assert document.status == Status.READY
    assert document.progress == 100
    chunks = list(Chunk.objects.filter(document=queued).order_by("ordinal"))
    assert [(c.heading, c.page_start) for c in chunks] == [
        ("1. Introduction", 1),
        ("2. Requirements", 2),
        ("2. Requirements > 2.1 Social value", 2),
    ]
    assert len(chunks[0].embedding) == 384
    assert document.chunk_count == 3


def test_running_ingestion_twice_does_not_duplicate_chunks(queued, owner):
    services.document_ingest(document_id=queued.pk)
    assert services.document_ingest(document_id=queued.pk) is None  # not queued any more

    services.document_reprocess(document=Document.objects.get(pk=queued.pk), actor=owner)
    services.document_ingest(document_id=queued.pk)

    assert Chunk.objects.filter(document=queued).count() == 3


def test_the_same_file_twice_in_a_company_is_reported_not_duplicated(queued, company, owner):
    with pytest.raises(Conflict, match=r"already uploaded as “itt\.pdf”"):
        services.document_upload(
            company=company, uploaded_by=owner, file=upload("copy.pdf", tender_pdf())
        )

    assert Document.objects.count() == 1


def test_a_refused_file_leaves_no_row_and_no_file(company, owner, settings):
    with pytest.raises(UploadRefused):
        services.document_upload(
            company=company, uploaded_by=owner, file=upload("locked.pdf", files.encrypted_pdf())
        )

    assert not Document.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_a_file_without_text_fails_with_a_reason_and_can_be_retried(company, owner):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("scan.pdf", files.pdf([[]]))
    )

    failed = ingest(document.pk)

    assert failed.status == Status.FAILED
    assert "No text was found" in failed.error
    assert not Chunk.objects.filter(document=document).exists()
    assert services.document_reprocess(document=failed, actor=owner).status == Status.QUEUED


def test_an_unexpected_crash_fails_the_document_without_half_an_index(queued, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("embedding server exploded")

    monkeypatch.setattr(services, "_embed", explode)

    document = ingest(queued.pk)

    assert document.status == Status.FAILED
    assert document.error == services.UNEXPECTED_FAILURE
    assert not Chunk.objects.filter(document=queued).exists()


def test_documents_stuck_in_processing_are_queued_again(queued, django_capture_on_commit_callbacks):
    Document.objects.filter(pk=queued.pk).update(
        status=Status.PROCESSING, updated_at=timezone.now() - dt.timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.documents_requeue_stale() == 1

    assert Document.objects.get(pk=queued.pk).status == Status.QUEUED
    assert len(callbacks) == 1


def test_trash_and_restore(queued, owner):
    services.document_trash(document=queued, actor=owner)
    assert not Document.objects.alive().exists()

    services.document_restore(document=queued, actor=owner)
    assert Document.objects.alive().count() == 1


def test_changing_the_label_relabels_the_chunks(queued, owner):
    services.document_ingest(document_id=queued.pk)

    services.document_update(
        document=Document.objects.get(pk=queued.pk), actor=owner, label="primary"
    )

    assert set(Chunk.objects.filter(document=queued).values_list("label", flat=True)) == {"primary"}


def test_reindex_queues_every_document_again(queued, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    ingest(queued.pk)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("reindex", "--all", verbosity=0)

    assert Document.objects.get(pk=queued.pk).status == Status.QUEUED
    assert len(callbacks) == 1


def test_deleting_a_document_for_good_removes_its_file(queued, django_capture_on_commit_callbacks):
    path = queued.file.path

    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get(pk=queued.pk).delete()

    import os

    assert not os.path.exists(path)
