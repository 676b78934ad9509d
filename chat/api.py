"""REST API for chat: conversations, their messages, and asking (JSON or server-sent events)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import CompanyScopedViewSet
from accounts.api import user_of
from bidscript.rest import validated
from bidscript.schema import ErrorOutput
from bidscript.streaming import EVENT_STREAM
from bidscript.streaming import event_stream_response
from bidscript.streaming import sse
from chat import selectors
from chat import services
from chat.models import Conversation
from chat.models import Message
from projects.selectors import project_get


class ConversationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    project = serializers.UUIDField(source="project_id", allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()


class ConversationCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    project = serializers.UUIDField(
        required=False, allow_null=True, help_text="A bid: answers draw on its documents too."
    )


class ConversationUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)


class CitationOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="The [n] marker in the answer.")
    chunk = serializers.UUIDField()
    document = serializers.UUIDField()
    document_title = serializers.CharField()
    page_start = serializers.IntegerField()
    page_end = serializers.IntegerField()
    heading = serializers.CharField()
    snippet = serializers.CharField()
    available = serializers.BooleanField(
        help_text="False when the passage is no longer yours to open (e.g. trashed)."
    )


class MessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Message.Role.choices)
    content = serializers.CharField()
    citations = CitationOutput(many=True)
    documents = serializers.ListField(child=serializers.UUIDField(), source="document_ids")
    provider = serializers.CharField()
    model = serializers.CharField()
    answered_by = serializers.CharField(
        help_text="How the answer was made, in words (e.g. which AI model wrote it); empty for "
        "a question."
    )
    latency_ms = serializers.IntegerField(allow_null=True)
    first_token_ms = serializers.IntegerField(allow_null=True)
    prompt_tokens = serializers.IntegerField(allow_null=True)
    completion_tokens = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(help_text="Why the model failed; empty for a good answer.")
    created_at = serializers.DateTimeField()


class MessageInput(serializers.Serializer):
    content = serializers.CharField(max_length=4000)
    documents = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=50,
        help_text="Answer only from these documents.",
    )  # fmt: skip


class ExchangeOutput(serializers.Serializer):
    question = MessageOutput()
    answer = MessageOutput()


class EventStreamRenderer(BaseRenderer):
    """Lets clients ask for ``text/event-stream``; an error before the stream is one event."""

    media_type = EVENT_STREAM
    format = "sse"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return sse("error", data)


STREAM_DESCRIPTION = (
    'Server-sent events: `question` (the stored question), `delta` (`{"text"}` pieces of the '
    "answer as it is written), then `done` (the stored answer with its citations). The answer "
    "is stored once, when it is complete."
)


class ConversationViewSet(CompanyScopedViewSet):
    """Your chats in the current company; ask questions of your documents and get cited answers."""

    queryset = Conversation.objects.select_related("project")
    lookup_url_kwarg = "conversation_id"
    serializer_class = ConversationOutput

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=Conversation.objects.visible_to(self.membership).values("pk"))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.conversation_list(membership=self.membership))
        return self.get_paginated_response(ConversationOutput(page, many=True).data)

    @extend_schema(request=ConversationCreateInput, responses={201: ConversationOutput})
    def create(self, request: Request) -> Response:
        params = validated(ConversationCreateInput, request.data)
        project = params.get("project")
        conversation = services.conversation_create(
            membership=self.membership, title=params["title"],
            project=project and project_get(membership=self.membership, project_id=project),
        )  # fmt: skip
        return Response(ConversationOutput(conversation).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, conversation_id: Any = None) -> Response:
        return Response(ConversationOutput(self.get_object()).data)

    @extend_schema(request=ConversationUpdateInput, responses=ConversationOutput)
    def partial_update(self, request: Request, conversation_id: Any = None) -> Response:
        title = validated(ConversationUpdateInput, request.data)["title"]
        conversation = services.conversation_rename(conversation=self.get_object(), title=title)
        return Response(ConversationOutput(conversation).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, conversation_id: Any = None) -> Response:
        services.conversation_delete(conversation=self.get_object(), actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["get"], request=None, responses=MessageOutput(many=True))
    @extend_schema(
        methods=["post"], request=MessageInput, responses={201: ExchangeOutput, 429: ErrorOutput}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, conversation_id: Any = None) -> Response:
        """GET: the conversation's messages, oldest first. POST: ask, and get the stored answer."""
        conversation = self.get_object()
        if request.method == "GET":
            messages = selectors.conversation_messages(
                conversation=conversation, membership=self.membership
            )
            page = self.paginate_queryset(messages)
            return self.get_paginated_response(MessageOutput(page, many=True).data)
        return self._exchange(self._ask(conversation))

    @extend_schema(
        request=MessageInput,
        responses={
            (200, EVENT_STREAM): OpenApiResponse(description=STREAM_DESCRIPTION),
            429: ErrorOutput,
        },
    )
    @action(
        detail=True, methods=["post"], url_path="messages/stream", url_name="messages-stream",
        # JSON unless events are asked for, so OPTIONS and early errors answer as documented.
        renderer_classes=[JSONRenderer, EventStreamRenderer],
    )  # fmt: skip
    def stream(self, request: Request, conversation_id: Any = None) -> StreamingHttpResponse:
        """Ask, and read the answer as server-sent events while it is written."""
        events = self._ask(self.get_object())
        encoded = services.encoded_events(
            events, self.membership, lambda message: MessageOutput(message).data
        )
        return event_stream_response(request._request, encoded)

    @extend_schema(request=None, responses={201: ExchangeOutput, 429: ErrorOutput})
    @action(detail=True, methods=["post"])
    def regenerate(self, request: Request, conversation_id: Any = None) -> Response:
        """Answer the last question again (the previous answer is replaced)."""
        events = services.message_regenerate(
            conversation=self.get_object(), membership=self.membership
        )
        return self._exchange(events)

    def _ask(self, conversation: Conversation) -> Iterator[services.Event]:
        params = validated(MessageInput, self.request.data)
        return services.message_send(
            conversation=conversation, membership=self.membership, question=params["content"],
            document_ids=params["documents"],
        )  # fmt: skip

    def _exchange(self, events: Iterator[services.Event]) -> Response:
        finished = {event.kind: event.message for event in events if event.message is not None}
        answer = finished["done"]
        assert answer is not None  # noqa: S101 - the answer is always stored
        selectors.mark_available_citations([answer], self.membership)
        body = {"question": finished["question"], "answer": answer}
        return Response(ExchangeOutput(body).data, status=status.HTTP_201_CREATED)
