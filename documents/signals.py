from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from documents import bm25
from documents.models import Document


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
