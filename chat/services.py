"""Conversations, and answering a question with citations to the passages it used.

Answering streams: ``message_send`` stores the question, then returns the answer's events
(``question``, ``delta``…, ``done``). Retrieval and generation happen as the events are read,
outside any transaction; the answer is stored once, at the end, with what the model produced —
or, when the model failed, an honest fallback marked as an error.
"""

import logging
import re
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from accounts.audit import Category
from accounts.audit import activity_record
from accounts.models import Membership
from accounts.models import User
from bidscript.exceptions import Conflict
from bidscript.exceptions import RateLimited
from bidscript.streaming import sse
from chat import llm
from chat.models import Conversation
from chat.models import Message
from chat.selectors import mark_available_citations
from chat.selectors import pickable_documents
from documents.search import SearchHit
from documents.search import chunk_search
from projects.models import Project

logger = logging.getLogger(__name__)

TITLE_LENGTH = 80
FOLLOW_UP_WORDS = 6
MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
NOT_COVERED = (
    "Your documents do not cover this. Try other words, or add the evidence to the library "
    "or the bid's documents."
)
FALLBACK = (
    "Sorry, the assistant could not answer just now: the language model did not respond. "
    "Your question is saved; use Regenerate to try again in a moment."
)
INTERRUPTED = "The answer was interrupted before it finished."


@dataclass(frozen=True)
class Event:
    """One step of a streamed answer: ``question``, ``delta`` (text) or ``done`` (the answer)."""

    kind: str
    message: Message | None = None
    text: str = ""


# ------------------------------------------------------------------ Conversations


def conversation_create(
    *, membership: Membership, project: Project | None = None, title: str = ""
) -> Conversation:
    """A new, empty chat; ``project`` must be a bid the member can see (the caller checks)."""
    return Conversation.objects.create(
        company_id=membership.company_id, user_id=membership.user_id, project=project,
        title=title.strip()[:TITLE_LENGTH],
    )  # fmt: skip


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    conversation.title = title.strip()[:TITLE_LENGTH]
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


@transaction.atomic
def conversation_delete(*, conversation: Conversation, actor: User) -> None:
    """Delete a chat and its messages, keeping a record of it in the activity log."""
    activity_record(
        company=conversation.company, actor=actor, action="conversation.deleted",
        category=Category.CHAT, target=conversation,
        details={"title": str(conversation), "messages": conversation.messages.count()},
    )  # fmt: skip
    conversation.delete()


# ------------------------------------------------------------------ Asking


def message_send(
    *,
    conversation: Conversation,
    membership: Membership,
    question: str,
    document_ids: list[Any] | None = None,
) -> Iterator[Event]:
    """Store the question and return the answer's events; RateLimited before anything is stored."""
    if not question.strip():
        raise ValidationError({"content": "Type a question first."})
    document_ids = _pickable(membership, conversation, document_ids or [])
    _rate_check(membership.user_id)
    with transaction.atomic():
        asked = Message.objects.create(
            conversation=conversation, role=Message.Role.USER, content=question.strip(),
            document_ids=document_ids,
        )  # fmt: skip
        conversation.title = conversation.title or Truncator(asked.content).chars(TITLE_LENGTH)
        conversation.last_message_at = asked.created_at
        conversation.save(update_fields=["title", "last_message_at", "updated_at"])
    return _answer(conversation, membership, asked)


def message_regenerate(*, conversation: Conversation, membership: Membership) -> Iterator[Event]:
    """Answer the last question again, replacing the answer it had."""
    _rate_check(membership.user_id)
    asked = conversation.messages.filter(role=Message.Role.USER).last()
    if asked is None:
        raise Conflict("There is no question to answer again yet.")
    conversation.messages.filter(created_at__gt=asked.created_at).delete()
    return _answer(conversation, membership, asked)


def _pickable(
    membership: Membership, conversation: Conversation, document_ids: list[Any]
) -> list[Any]:
    """The picked documents, all of which must be pickable in this chat."""
    pickable = pickable_documents(membership=membership, conversation=conversation)
    found = set(pickable.filter(pk__in=document_ids).values_list("pk", flat=True))
    if len(found) != len(set(document_ids)):
        raise ValidationError({"documents": (
            "Some of the chosen documents do not exist, are not ready, are outside this chat's "
            "scope or are not yours to see."
        )})  # fmt: skip
    return list(found)


def _rate_check(user_id: Any) -> None:
    """At most CHAT_RATE_LIMIT questions per user per window; without the cache, no limit."""
    window = settings.CHAT_RATE_WINDOW
    now = time.time()
    key = f"chat-rate:{user_id}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired or the cache is down
        return
    if count is not None and count > settings.CHAT_RATE_LIMIT:
        retry_after = max(1, int(window - now % window))
        raise RateLimited(
            f"You have asked {settings.CHAT_RATE_LIMIT} questions in the last "
            f"{window} seconds; please wait {retry_after} s.",
            retry_after,
        )


def encoded_events(
    events: Iterator[Event], membership: Membership, shape: Callable[[Message], Any]
) -> Iterator[bytes]:
    """An answer's events as server-sent events, stored messages shaped by ``shape``."""
    for event in events:
        if event.message is None:
            yield sse(event.kind, {"text": event.text})
            continue
        if event.kind == "done":
            mark_available_citations([event.message], membership)
        yield sse(event.kind, shape(event.message))


# ------------------------------------------------------------------ Answering


@dataclass
class _Draft:
    """The answer as it streams in."""

    started: float = field(default_factory=time.perf_counter)
    pieces: list[str] = field(default_factory=list)
    first_token_ms: int | None = None
    usage: llm.Usage | None = None
    error: str = ""

    def add(self, piece: str) -> None:
        if self.first_token_ms is None:
            self.first_token_ms = self.elapsed_ms()
        self.pieces.append(piece)

    @property
    def text(self) -> str:
        return "".join(self.pieces).strip()

    def elapsed_ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)


def _answer(conversation: Conversation, membership: Membership, asked: Message) -> Iterator[Event]:
    draft = _Draft()
    hits: list[SearchHit] = []
    stored = False
    try:
        yield Event("question", message=asked)
        topic = _search_query(conversation, asked)
        hits = _retrieve(conversation, membership, asked, topic)
        if hits:
            yield from _generate(draft, _prompt(conversation, asked, hits, topic))
        if not draft.text and not draft.error:
            draft.add(NOT_COVERED)
            hits = []
            yield Event("delta", text=NOT_COVERED)
        answer = _store_answer(conversation, draft, hits)
        stored = True
        yield Event("done", message=answer)
    finally:
        if not stored:  # the reader went away (or something broke) part-way: keep what there is
            draft.error = draft.error or INTERRUPTED
            _store_answer(conversation, draft, hits)


def _generate(draft: _Draft, prompt: llm.Prompt) -> Iterator[Event]:
    provider = llm.provider()
    try:
        for piece in provider.stream(prompt):
            if isinstance(piece, llm.Usage):
                draft.usage = piece
            else:
                draft.add(piece)
                yield Event("delta", text=piece)
    except llm.GenerationError as error:
        logger.warning("Chat generation failed with %s: %s", provider.name, error)
        draft.error = str(error)


def _retrieve(
    conversation: Conversation, membership: Membership, asked: Message, topic: str
) -> list[SearchHit]:
    """The passages worth citing: the best matches, above the relevance threshold."""
    hits = chunk_search(
        membership=membership, query=topic,
        project=conversation.project_id, document_ids=asked.document_ids or None,
        k=settings.CHAT_PASSAGES,
    )  # fmt: skip
    return [hit for hit in hits if (hit.similarity or 0) >= settings.CHAT_MIN_RELEVANCE]


def _search_query(conversation: Conversation, asked: Message) -> str:
    """The question, and for a short follow-up ("and when does it expire?") the question
    before it too, which says what "it" is."""
    if len(asked.content.split()) > FOLLOW_UP_WORDS:
        return asked.content
    earlier = (
        conversation.messages.filter(role=Message.Role.USER, created_at__lt=asked.created_at)
        .order_by("-created_at")
        .values_list("content", flat=True)
        .first()
    )
    return f"{earlier} {asked.content}" if earlier else asked.content


def _prompt(
    conversation: Conversation, asked: Message, hits: list[SearchHit], topic: str
) -> llm.Prompt:
    earlier = conversation.messages.filter(created_at__lt=asked.created_at, error="").order_by(
        "-created_at"
    )[: settings.CHAT_HISTORY_MESSAGES]
    passages = [
        llm.Passage(number, hit.document_title, hit.page_start, hit.page_end, hit.heading, hit.text)
        for number, hit in enumerate(hits, start=1)
    ]
    history = [llm.Turn(message.role, message.content) for message in reversed(earlier)]
    return llm.Prompt(question=asked.content, passages=passages, history=history, topic=topic)


def _store_answer(conversation: Conversation, draft: _Draft, hits: list[SearchHit]) -> Message:
    content, citations = cited(draft.text, hits)
    if draft.error and draft.error != INTERRUPTED:
        content, citations = FALLBACK, []
    provider = llm.provider()
    with transaction.atomic():
        answer = Message.objects.create(
            conversation=conversation, role=Message.Role.ASSISTANT, content=content or INTERRUPTED,
            citations=citations, provider=provider.name, model=provider.model, error=draft.error,
            latency_ms=draft.elapsed_ms(), first_token_ms=draft.first_token_ms,
            prompt_tokens=draft.usage.prompt_tokens if draft.usage else None,
            completion_tokens=draft.usage.completion_tokens if draft.usage else None,
        )  # fmt: skip
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now())
    return answer


def cited(text: str, hits: list[SearchHit]) -> tuple[str, list[dict[str, Any]]]:
    """The text with markers for passages that were not retrieved removed, and the citations
    of those that were, numbered as in the prompt."""
    numbered = dict(enumerate(hits, start=1))
    used: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in match.group(1).split(",") if int(n) in numbered]
        used.extend(n for n in numbers if n not in used)
        return "".join(f"[{n}]" for n in numbers)

    text = MARKER.sub(keep, text)
    return text, [_citation(number, numbered[number]) for number in sorted(used)]


def _citation(number: int, hit: SearchHit) -> dict[str, Any]:
    return {
        "number": number, "chunk": str(hit.chunk_id), "document": str(hit.document_id),
        "document_title": hit.document_title, "page_start": hit.page_start,
        "page_end": hit.page_end, "heading": hit.heading,
        "snippet": Truncator(hit.text).words(60),
    }  # fmt: skip
