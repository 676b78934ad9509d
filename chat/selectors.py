"""Reads for chat: a member's conversations, and messages with the citations they may open."""

from typing import Any

from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Membership
from accounts.tenancy import linked_object
from chat.models import Conversation
from chat.models import Message
from documents.models import Document
from documents.search import search_scope
from documents.selectors import document_queryset


def conversation_list(*, membership: Membership, project: Any = None) -> QuerySet[Conversation]:
    """The member's conversations, newest activity first (optionally those about one bid)."""
    conversations = Conversation.objects.visible_to(membership).select_related("project")
    if project:
        conversations = conversations.filter(project=project)
    return conversations.order_by("-last_message_at")


def conversation_get(*, membership: Membership, conversation_id: Any) -> Conversation:
    """One of the member's conversations; anyone else's (or a missing one) is a 404."""
    try:
        return (
            Conversation.objects.visible_to(membership)
            .select_related("project", "company")
            .get(pk=conversation_id)
        )
    except (Conversation.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


@linked_object("conversation_id", noun="conversation")
def conversation_is_visible(membership: Membership, conversation_id: Any) -> bool:
    return Conversation.objects.visible_to(membership).filter(pk=conversation_id).exists()


def pickable_documents(*, membership: Membership, conversation: Conversation) -> QuerySet[Document]:
    """The documents a question in this chat may be restricted to: ready, visible to the member,
    and in the chat's scope (a bid chat: the bid's documents and the library)."""
    documents = document_queryset(membership=membership, status=Document.Status.READY)
    if conversation.project_id:
        documents = documents.filter(Q(project__isnull=True) | Q(project=conversation.project_id))
    return documents.order_by("title")


def conversation_messages(*, conversation: Conversation, membership: Membership) -> list[Message]:
    """The messages in order, each citation marked ``available`` if the member may still open
    its passage (a document may since have gone to the trash, or a bid become unseen); the
    snippets of the others are withheld."""
    messages = list(conversation.messages.order_by("created_at"))
    mark_available_citations(messages, membership)
    return messages


def mark_available_citations(messages: list[Message], membership: Membership) -> None:
    cited = {chunk for message in messages for chunk in message.cited_chunk_ids}
    visible = (
        {
            str(pk)
            for pk in search_scope(membership=membership)
            .filter(pk__in=cited)
            .values_list("pk", flat=True)
        }
        if cited
        else set()
    )
    for message in messages:
        for citation in message.citations:
            citation["available"] = citation["chunk"] in visible
            if not citation["available"]:  # its text is no longer the member's to read
                citation["snippet"] = ""
