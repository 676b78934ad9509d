import datetime as dt
import os
import signal
import subprocess
import time

import pytest

from documents import services
from documents.models import Chunk
from documents.models import Document
from tests.conftest import database_url
from tests.conftest import manage_command
from tests.documents import files
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


def long_tender() -> bytes:
    sentences = [
        f"Requirement {n}: the supplier shall keep records of activity {n} for audit."
        for n in range(30)
    ]
    return files.pdf([[f"{page}. Section {page}", *sentences] for page in range(1, 41)])


def start_worker(settings, *extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DB_POOL": "false",
    }
    return subprocess.Popen(
        manage_command("db_worker", "--no-reload", "--no-startup-delay", *extra),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def wait_for(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_ingestion_leaves_a_retryable_document_that_ends_ready_once(
    company, owner, settings
):
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload("long.pdf", long_tender())
    )
    worker = start_worker(settings)
    try:
        # Kill once embedding has started (progress passes 20 after parsing).
        wait_for(lambda: Document.objects.get(pk=document.pk).progress > 20)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    stuck = Document.objects.get(pk=document.pk)
    assert stuck.status == Document.Status.PROCESSING
    assert not Chunk.objects.filter(document=document).exists()  # nothing half-indexed

    Document.objects.filter(pk=document.pk).update(
        updated_at=stuck.updated_at - dt.timedelta(seconds=settings.DOCUMENT_STALE_AFTER * 2)
    )
    assert services.documents_requeue_stale() == 1
    finisher = start_worker(settings, "--batch")
    assert finisher.wait(timeout=300) == 0

    ready = Document.objects.get(pk=document.pk)
    assert ready.status == Document.Status.READY
    ordinals = list(Chunk.objects.filter(document=document).values_list("ordinal", flat=True))
    assert ordinals == list(range(ready.chunk_count))
    assert ready.page_count == 40
