from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from documents import bm25
from documents.models import Document


@receiver(pre_delete, sender=Document, dispatch_uid="documents.unindex_on_delete")
def unindex_deleted_document(sender: Any, instance: Document, **kwargs: Any) -> None:
    """Hard deletes (a purged bid, the admin) take the document's terms out of BM25 statistics."""
    bm25.unindex_document(instance.pk)
