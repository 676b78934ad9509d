"""Ingestion never stalls: concurrent claims, lost tasks, dead workers, and retrying by hand."""

import datetime as dt
import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bidscript.exceptions import Conflict
from bidscript.models import WorkerHeartbeat
from documents import services
from documents.models import Document
from documents.tasks import ingest_document
from tests.conftest import client_for
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


# ------------------------------------------------------------------ The sweep and reprocess


@pytest.fixture
def lost(company, owner, django_capture_on_commit_callbacks):
    """A queued document whose task never reached the queue."""
    with django_capture_on_commit_callbacks(execute=False):
        return queued_document(company, owner, "Method statement for winter gritting.")


@pytest.fixture
def waiting(company, owner, django_capture_on_commit_callbacks):
    """A queued document whose task waits on the queue (no worker has taken it yet)."""
    with django_capture_on_commit_callbacks(execute=True):
        return queued_document(company, owner, "Carbon reduction plan, PPN 06/21.")


def age(document: Document, *, status=None, seconds: float) -> Document:
    """Make the document's last change ``seconds`` old (and set its status)."""
    fields = {"updated_at": timezone.now() - dt.timedelta(seconds=seconds)}
    Document.objects.filter(pk=document.pk).update(
        **fields, **({"status": status} if status else {})
    )
    return Document.objects.get(pk=document.pk)


def tasks_for(document: Document) -> int:
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, args_kwargs__args__0=str(document.pk)
    ).count()


def sweep(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.documents_requeue_stale()


@pytest.mark.django_db
def test_the_sweep_queues_again_a_document_whose_task_was_lost_once_it_is_stale(
    lost, settings, django_capture_on_commit_callbacks
):
    age(lost, seconds=settings.DOCUMENT_STALE_AFTER - 30)
    assert sweep(django_capture_on_commit_callbacks) == 0  # its enqueue may still be on its way

    age(lost, seconds=settings.DOCUMENT_STALE_AFTER + 1)
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert tasks_for(lost) == 1

    assert sweep(django_capture_on_commit_callbacks) == 0  # once per cutoff, however often it runs
    assert tasks_for(lost) == 1


@pytest.mark.django_db
def test_the_sweep_leaves_a_document_whose_task_is_still_waiting_on_a_long_queue(
    waiting, settings, django_capture_on_commit_callbacks
):
    age(waiting, seconds=settings.DOCUMENT_STALE_AFTER * 3)

    assert sweep(django_capture_on_commit_callbacks) == 0
    assert tasks_for(waiting) == 1


def running_on(document: Document, worker_id: str, *, heartbeat_age: float | None) -> None:
    """A run of the document's task in progress on this worker, last heard from so long ago."""
    result = ingest_document.enqueue(str(document.pk))
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[worker_id]
    )
    if heartbeat_age is not None:
        seen = timezone.now() - dt.timedelta(seconds=heartbeat_age)
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname="h",
            pid=1,
            queues="default",
            started_at=seen,
            seen_at=seen,
        )


@pytest.mark.django_db
def test_the_sweep_queues_again_at_once_a_document_whose_worker_was_killed(
    lost, settings, django_capture_on_commit_callbacks
):
    running_on(lost, "killed", heartbeat_age=settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    age(lost, status=Status.PROCESSING, seconds=5)  # progress moments before the kill

    assert sweep(django_capture_on_commit_callbacks) == 1
    assert Document.objects.get(pk=lost.pk).status == Status.QUEUED
    assert tasks_for(lost) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "heartbeat_age", [1, None], ids=["worker alive", "worker without a heartbeat"]
)
def test_the_sweep_leaves_a_document_a_worker_may_still_be_processing(
    lost, settings, heartbeat_age, django_capture_on_commit_callbacks
):
    running_on(lost, "killed", heartbeat_age=settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    running_on(lost, "busy", heartbeat_age=heartbeat_age)
    age(lost, status=Status.PROCESSING, seconds=5)

    assert sweep(django_capture_on_commit_callbacks) == 0
    assert Document.objects.get(pk=lost.pk).status == Status.PROCESSING


@pytest.mark.django_db
def test_the_sweep_queues_again_a_document_without_progress_since_the_cutoff(
    waiting, settings, django_capture_on_commit_callbacks
):
    # The worker took the task, then hung.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    age(waiting, status=Status.PROCESSING, seconds=settings.DOCUMENT_STALE_AFTER + 1)

    assert sweep(django_capture_on_commit_callbacks) == 1
    assert Document.objects.get(pk=waiting.pk).status == Status.QUEUED
    assert tasks_for(waiting) == 1


@pytest.mark.django_db
def test_the_sweep_leaves_trashed_documents_alone(
    lost, owner, settings, django_capture_on_commit_callbacks
):
    services.document_trash(document=lost, actor=owner)
    age(lost, seconds=settings.DOCUMENT_STALE_AFTER + 1)

    assert sweep(django_capture_on_commit_callbacks) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.QUEUED, Status.PROCESSING])
def test_reprocess_queues_a_document_nothing_is_working_on(
    lost, owner, settings, status, django_capture_on_commit_callbacks
):
    age(lost, status=status, seconds=settings.DOCUMENT_STALE_AFTER + 1)

    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_reprocess(document=lost, actor=owner)

    assert document.status == Status.QUEUED
    assert tasks_for(lost) == 1


@pytest.mark.django_db
def test_reprocess_of_a_queued_document_whose_task_was_lost_works_at_once(
    lost, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_reprocess(document=lost, actor=owner)

    assert tasks_for(lost) == 1


@pytest.mark.django_db
def test_reprocess_is_refused_while_a_task_waits_or_a_worker_makes_progress(waiting, owner):
    with pytest.raises(Conflict, match="already being processed"):
        services.document_reprocess(document=waiting, actor=owner)

    age(waiting, status=Status.PROCESSING, seconds=5)
    with pytest.raises(Conflict, match="already being processed"):
        services.document_reprocess(document=waiting, actor=owner)


@pytest.mark.django_db
def test_reprocess_queues_a_document_whose_worker_was_killed_moments_ago(
    lost, owner, settings, django_capture_on_commit_callbacks
):
    running_on(lost, "killed", heartbeat_age=settings.WORKER_HEARTBEAT_MAX_AGE + 5)
    age(lost, status=Status.PROCESSING, seconds=5)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.document_reprocess(document=lost, actor=owner).status == Status.QUEUED


@pytest.mark.django_db
def test_a_stuck_document_offers_retry_on_its_page_and_retrying_queues_it(
    lost, owner, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    page = f"/documents/{lost.pk}/"
    assert f'action="/documents/{lost.pk}/reprocess/"' in client.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page}reprocess/", follow=True)

    assert "is queued for processing again." in response.content.decode()
    assert tasks_for(lost) == 1
    assert "reprocess/" not in client.get(page).content.decode()  # its task now waits
