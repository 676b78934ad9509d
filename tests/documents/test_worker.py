"""Ingestion by real worker processes: killed mid-document, recovered by the workers' own sweep."""

import os
import signal
import subprocess

import pytest

from bidscript.models import WorkerHeartbeat
from documents import services
from documents.models import Chunk
from documents.models import Document
from tests.conftest import start_worker as start_any_worker
from tests.conftest import wait_for
from tests.documents import files
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


def long_tender(variant: int = 0) -> bytes:
    sentences = [
        f"Requirement {n}: the supplier shall keep records of activity {n} for audit {variant}."
        for n in range(30)
    ]
    return files.pdf([[f"{page}. Section {page}", *sentences] for page in range(1, 41)])


def start_worker(settings, **env: str) -> subprocess.Popen[bytes]:
    return start_any_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT), **env)


def kill(worker: subprocess.Popen[bytes]) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def status_of(document: Document) -> Document:
    return Document.objects.get(pk=document.pk)


def test_a_document_whose_worker_was_killed_is_finished_by_the_next_worker_once(
    company, owner, settings
):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("long.pdf", long_tender())
    )
    worker = start_worker(settings)
    try:
        # Kill once embedding has started (progress passes 20 after parsing).
        wait_for(lambda: status_of(document).progress > 20, timeout=180)
    finally:
        kill(worker)
    stuck = status_of(document)
    assert stuck.status == Document.Status.PROCESSING
    assert not Chunk.objects.filter(document=document).exists()  # nothing half-indexed

    # Nobody sweeps by hand: the next worker's maintenance sees that the killed worker's
    # heartbeat stopped, long before the stale cutoff.
    finisher = start_worker(
        settings, WORKER_HEARTBEAT_INTERVAL="0.5", WORKER_HEARTBEAT_MAX_AGE="3",
        WORKER_MAINTENANCE_INTERVAL="1",
    )  # fmt: skip
    try:
        wait_for(lambda: status_of(document).status == Document.Status.READY, timeout=180)
    finally:
        kill(finisher)

    ready = status_of(document)
    ordinals = list(Chunk.objects.filter(document=document).values_list("ordinal", flat=True))
    assert ordinals == list(range(ready.chunk_count))
    assert ready.page_count == 40


def test_a_worker_busy_with_a_long_queue_keeps_recording_its_heartbeat(company, owner, settings):
    backlog = [
        services.document_upload(
            company=company, uploaded_by=owner, file=upload(f"t{n}.pdf", long_tender(n))
        )
        for n in range(3)
    ]
    worker = start_worker(settings, WORKER_HEARTBEAT_INTERVAL="0.5")
    try:
        wait_for(lambda: status_of(backlog[0]).status == Document.Status.PROCESSING, timeout=180)
        seen = WorkerHeartbeat.objects.get().seen_at
        wait_for(lambda: WorkerHeartbeat.objects.get().seen_at > seen, timeout=10)
        assert status_of(backlog[-1]).status == Document.Status.QUEUED  # still behind the others
    finally:
        kill(worker)
