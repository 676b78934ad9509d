from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.db.models.signals import pre_delete
from django.dispatch import Signal
from django.dispatch import receiver

from documents import bm25
from documents.models import Document

# Sent once committed, with ``document_id``, when a document's text is ready to read or a ready
# document is labelled anew, so other capabilities (register extraction) can react without the
# documents app knowing them.
document_ready = Signal()


def announce_ready(document: Document) -> None:
    if document.status == Document.Status.READY and document.deleted_at is None:
        document_id = document.pk
        transaction.on_commit(lambda: document_ready.send(Document, document_id=document_id))


@receiver(pre_delete, sender=Document, dispatch_uid="documents.unindex_on_delete")
def unindex_deleted_document(sender: Any, instance: Document, **kwargs: Any) -> None:
    """Hard deletes (a purged bid, the admin) take the document's terms out of BM25 statistics."""
    bm25.unindex_document(instance.pk)


@receiver(post_delete, sender=Document, dispatch_uid="documents.delete_file")
def delete_stored_file(sender: Any, instance: Document, **kwargs: Any) -> None:
    """A deleted document's file goes too, once the deletion has committed."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
