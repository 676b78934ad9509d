"""Chat pages: conversations with a sidebar, asking with streamed answers, rename and delete.

Asking and regenerating are plain form posts that answer and redirect; the page's script
sends the same forms with ``Accept: text/event-stream`` and gets the answer as it is written.
"""

from collections.abc import Callable
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http import JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from accounts.tenancy import AuthedRequest
from accounts.tenancy import member_required
from bidscript.exceptions import Conflict
from bidscript.exceptions import RateLimited
from bidscript.pages import attempt
from bidscript.streaming import EVENT_STREAM
from bidscript.streaming import event_stream_response
from chat import selectors
from chat import services
from chat.forms import AskForm
from chat.forms import NewConversationForm
from chat.forms import RenameForm
from chat.models import Conversation
from chat.models import Message

SIDEBAR_SIZE = 50


@member_required
def index(request: AuthedRequest) -> HttpResponse:
    """The latest conversation, or a welcome with a new-chat form when there is none."""
    latest = selectors.conversation_list(membership=request.membership).first()
    if latest is not None:
        return redirect("chat:conversation", conversation_id=latest.pk)
    return render(request, "chat/chat.html", _context(request, None))


@member_required
@require_POST
def create(request: AuthedRequest) -> HttpResponse:
    form = NewConversationForm(request.POST, membership=request.membership)
    if not form.is_valid():
        messages.error(request, "Choose a bid you can see, or all documents.")
        return redirect("chat:index")
    conversation = services.conversation_create(
        membership=request.membership, project=form.cleaned_data["project"]
    )
    return redirect("chat:conversation", conversation_id=conversation.pk)


@member_required
def conversation(request: AuthedRequest, conversation_id: Any) -> HttpResponse:
    current = _conversation(request, conversation_id)
    return render(request, "chat/chat.html", _context(request, current))


@member_required
@require_POST
def ask(request: AuthedRequest, conversation_id: Any) -> HttpResponseBase:
    current = _conversation(request, conversation_id)
    form = AskForm(request.POST, membership=request.membership, conversation=current)
    if not form.is_valid():
        problems = (str(error) for errors in form.errors.values() for error in errors)
        return _refused(request, current, " ".join(problems), 400)
    return _answered(
        request, current,
        lambda: services.message_send(
            conversation=current, membership=request.membership, question=form.cleaned_data["content"],
            document_ids=[document.pk for document in form.cleaned_data["documents"]],
        ),
    )  # fmt: skip


@member_required
@require_POST
def regenerate(request: AuthedRequest, conversation_id: Any) -> HttpResponseBase:
    current = _conversation(request, conversation_id)
    return _answered(
        request, current,
        lambda: services.message_regenerate(conversation=current, membership=request.membership),
    )  # fmt: skip


@member_required
@require_POST
def rename(request: AuthedRequest, conversation_id: Any) -> HttpResponse:
    current = _conversation(request, conversation_id)
    form = RenameForm(request.POST)
    if form.is_valid():
        services.conversation_rename(conversation=current, title=form.cleaned_data["title"])
    else:
        messages.error(request, "A title needs between 1 and 200 characters.")
    return redirect("chat:conversation", conversation_id=current.pk)


@member_required
@require_POST
def delete(request: AuthedRequest, conversation_id: Any) -> HttpResponse:
    current = _conversation(request, conversation_id)
    attempt(
        request,
        lambda: services.conversation_delete(conversation=current, actor=request.user),
        f"“{current}” was deleted.",
    )
    return redirect("chat:index")


def _conversation(request: AuthedRequest, conversation_id: Any) -> Conversation:
    return selectors.conversation_get(
        membership=request.membership, conversation_id=conversation_id
    )


def _context(request: AuthedRequest, current: Conversation | None) -> dict[str, Any]:
    membership = request.membership
    context: dict[str, Any] = {
        "conversations": selectors.conversation_list(membership=membership)[:SIDEBAR_SIZE],
        "current": current,
        "new_form": NewConversationForm(membership=membership),
    }
    if current is not None:
        context |= {
            "chat_messages": selectors.conversation_messages(
                conversation=current, membership=membership
            ),
            "ask_form": AskForm(membership=membership, conversation=current),
        }
    return context


def _streaming(request: AuthedRequest) -> bool:
    return EVENT_STREAM in request.headers.get("Accept", "")


def _answered(
    request: AuthedRequest, current: Conversation, start: Callable[[], Iterator[services.Event]]
) -> HttpResponseBase:
    """Stream the answer to the page's script, or (without script) answer, then show the chat."""
    try:
        events = start()
    except RateLimited as limit:
        response = _refused(request, current, limit.message, 429)
        response["Retry-After"] = str(limit.retry_after)
        return response
    except (ValidationError, Conflict) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else error.message
        return _refused(request, current, message, 400)
    if _streaming(request):
        page_events = services.encoded_events(
            events, request.membership, partial(_rendered, request)
        )
        return event_stream_response(request, page_events)
    for _ in events:  # answer and store it
        pass
    return redirect("chat:conversation", conversation_id=current.pk)


def _refused(
    request: AuthedRequest, current: Conversation, message: str, status: int
) -> HttpResponse:
    if _streaming(request):
        return JsonResponse({"message": message}, status=status)
    messages.error(request, message)
    return redirect("chat:conversation", conversation_id=current.pk)


def _rendered(request: AuthedRequest, message: Message) -> dict[str, str]:
    html = render_to_string("chat/message.html", {"message": message, "last": True}, request)
    return {"id": str(message.pk), "html": html, "title": str(message.conversation)}
