"""Ingestion never stalls: concurrent claims, lost tasks, dead workers, and retrying by hand."""

import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db import transaction

from documents import services
from documents.models import Document
from tests.documents.conftest import upload

Status = Document.Status


def queued_document(company, owner, text: str) -> Document:
    return services.document_upload(
        company=company, uploaded_by=owner, file=upload(f"{text[:20]}.txt", text.encode())
    )


@contextmanager
def held_in_another_transaction(work: Callable[[], object]) -> Iterator[None]:
    """Run ``work`` in a transaction on another connection and keep it open (with its locks)
    until the block ends, as a worker in the middle of claiming does."""
    started, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                work()
                started.set()
                release.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
            started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=30)
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_two_workers_claim_two_documents_of_one_company_at_the_same_time(company, owner):
    first = queued_document(company, owner, "Our ISO 9001 certificate expires in 2027.")
    second = queued_document(company, owner, "We hold Cyber Essentials Plus since 2021.")

    with held_in_another_transaction(lambda: services._claim(first.pk)):
        claimed = services._claim(second.pk)

    assert claimed is not None
    assert Document.objects.get(pk=first.pk).status == Status.PROCESSING
    assert Document.objects.get(pk=second.pk).status == Status.PROCESSING


@pytest.mark.django_db(transaction=True)
def test_a_second_task_for_a_document_being_claimed_waits_then_does_nothing(company, owner, caplog):
    document = queued_document(company, owner, "Social value plan for the Leeds contract.")
    results: list[Document | None] = []

    with held_in_another_transaction(lambda: services._claim(document.pk)):
        duplicate = threading.Thread(target=lambda: results.append(services._claim(document.pk)))
        duplicate.start()
        duplicate.join(timeout=0.5)
        assert duplicate.is_alive()  # it waits for the claim in progress rather than skipping
    duplicate.join(timeout=30)

    assert results == [None]
    assert "not queued any more (processing)" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arrange", "reason"),
    [
        (
            lambda d, owner: services.document_ingest(document_id=d.pk),
            "it is not queued any more (ready)",
        ),
        (lambda d, owner: services.document_trash(document=d, actor=owner), "it is in the trash"),
        (lambda d, owner: Document.objects.filter(pk=d.pk).delete(), "it no longer exists"),
    ],
    ids=["ready", "trashed", "deleted"],
)
def test_a_claim_that_finds_nothing_to_do_says_why(company, owner, caplog, arrange, reason):
    document = queued_document(company, owner, "Case study: hospital cleaning in Lothian.")
    arrange(document, owner)

    with caplog.at_level(logging.INFO, logger="documents.services"):
        assert services.document_ingest(document_id=document.pk) is None

    assert f"Document {document.pk} was not claimed: {reason}" in caplog.text
