import json

import pytest

from accounts.models import ActivityLog
from chat import services
from chat.models import Message
from projects import services as projects
from tests.chat.conftest import membership_of
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

QUESTION = {"content": "When does our ISO 9001 certificate expire?"}


def new_chat(client, **fields):
    response = client.post("/api/v1/conversations/", fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def server_events(response):
    """(event, data) pairs of a text/event-stream body."""
    body = b"".join(response.streaming_content).decode()
    for block in filter(None, body.split("\n\n")):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        yield fields["event"], json.loads(fields["data"])


def test_asking_returns_the_stored_question_and_cited_answer(library, owner):
    client = client_for(owner)
    chat = new_chat(client)

    response = client.post(f"/api/v1/conversations/{chat['id']}/messages/", QUESTION, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["question"]["content"] == QUESTION["content"]
    answer = body["answer"]
    assert "14 March 2027" in answer["content"]
    assert answer["provider"] == "extractive"
    assert answer["answered_by"] == "Answer assembled from your documents, no AI model configured"
    assert body["question"]["answered_by"] == ""
    citation = answer["citations"][0]
    assert citation["document"] == str(library["iso.md"].pk)
    assert citation["available"] is True
    assert client.get(f"/api/v1/conversations/{chat['id']}/").json()["title"] == QUESTION["content"]


def test_the_stream_yields_question_pieces_then_the_answer_stored_once(library, owner):
    client = client_for(owner)
    chat = new_chat(client)

    response = client.post(
        f"/api/v1/conversations/{chat['id']}/messages/stream/", QUESTION, format="json",
        HTTP_ACCEPT="text/event-stream",
    )  # fmt: skip

    assert response["Content-Type"] == "text/event-stream"
    events = list(server_events(response))
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "question"
    assert kinds[-1] == "done"
    assert set(kinds[1:-1]) == {"delta"}
    assert len(kinds) > 3
    streamed = "".join(data["text"] for kind, data in events if kind == "delta")
    done = events[-1][1]
    assert done["content"] == streamed.strip()
    assert done["citations"][0]["number"] == 1
    assert Message.objects.filter(conversation_id=chat["id"], role="assistant").count() == 1


def test_messages_are_listed_oldest_first(library, owner):
    client = client_for(owner)
    chat = new_chat(client)
    client.post(f"/api/v1/conversations/{chat['id']}/messages/", QUESTION, format="json")

    page = client.get(f"/api/v1/conversations/{chat['id']}/messages/").json()

    assert page["count"] == 2
    assert [m["role"] for m in page["results"]] == ["user", "assistant"]


def test_the_messages_list_is_paged_like_every_other_list(library, owner):
    client = client_for(owner)
    chat = new_chat(client)
    client.post(f"/api/v1/conversations/{chat['id']}/messages/", QUESTION, format="json")

    page = client.get(f"/api/v1/conversations/{chat['id']}/messages/?page_size=1&page=2").json()

    assert (page["count"], page["page"], page["num_pages"], page["page_size"]) == (2, 2, 2, 1)
    assert [m["role"] for m in page["results"]] == ["assistant"]
    assert page["next"] is None
    assert page["previous"].endswith("/messages/?page_size=1")


def test_conversations_list_newest_first_and_can_be_renamed_and_deleted(library, owner):
    client = client_for(owner)
    first, second = new_chat(client, title="First"), new_chat(client, title="Second")
    client.post(f"/api/v1/conversations/{first['id']}/messages/", QUESTION, format="json")

    listed = client.get("/api/v1/conversations/").json()["results"]
    renamed = client.patch(
        f"/api/v1/conversations/{second['id']}/", {"title": "Renamed"}, format="json"
    )
    deleted = client.delete(f"/api/v1/conversations/{first['id']}/")

    assert [c["title"] for c in listed] == ["First", "Second"]
    assert renamed.json()["title"] == "Renamed"
    assert deleted.status_code == 204
    assert client.get(f"/api/v1/conversations/{first['id']}/").status_code == 404
    assert ActivityLog.objects.filter(action="conversation.deleted").count() == 1


def test_a_colleagues_conversation_is_a_404(library, owner, member):
    chat = new_chat(client_for(owner))
    colleague = client_for(member)

    for response in (
        colleague.get(f"/api/v1/conversations/{chat['id']}/"),
        colleague.get(f"/api/v1/conversations/{chat['id']}/messages/"),
        colleague.post(f"/api/v1/conversations/{chat['id']}/messages/", QUESTION, format="json"),
        colleague.delete(f"/api/v1/conversations/{chat['id']}/"),
    ):
        assert response.status_code == 404
    assert colleague.get("/api/v1/conversations/").json()["results"] == []


def test_a_chat_about_a_bid_you_cannot_see_is_refused(company, owner, member):
    bid = projects.project_create(company=company, created_by=owner, name="Confidential")

    response = client_for(member).post(
        "/api/v1/conversations/", {"project": str(bid.pk)}, format="json"
    )

    assert response.status_code == 404


def test_an_empty_question_is_a_400_and_nothing_is_stored(library, owner):
    client = client_for(owner)
    chat = new_chat(client)

    response = client.post(
        f"/api/v1/conversations/{chat['id']}/messages/", {"content": ""}, format="json"
    )

    assert response.status_code == 400
    assert "content" in response.json()["errors"]
    assert not Message.objects.filter(conversation_id=chat["id"]).exists()


def test_too_many_questions_get_a_429_with_retry_after(library, owner, settings):
    settings.CHAT_RATE_LIMIT = 1
    client = client_for(owner)
    chat = new_chat(client)
    url = f"/api/v1/conversations/{chat['id']}/messages/"
    client.post(url, QUESTION, format="json")

    refused = client.post(url, QUESTION, format="json")
    streamed = client.post(
        f"{url}stream/", QUESTION, format="json", HTTP_ACCEPT="text/event-stream"
    )

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert streamed.status_code == 429
    assert streamed.content.startswith(b"event: error\ndata: ")


def test_regenerate_answers_the_last_question_again(library, owner):
    client = client_for(owner)
    chat = new_chat(client)
    url = f"/api/v1/conversations/{chat['id']}/"
    nothing_yet = client.post(f"{url}regenerate/")
    client.post(f"{url}messages/", QUESTION, format="json")

    response = client.post(f"{url}regenerate/")

    assert nothing_yet.status_code == 409
    assert response.status_code == 201
    assert response.json()["question"]["content"] == QUESTION["content"]
    assert Message.objects.filter(conversation_id=chat["id"], role="assistant").count() == 1


def test_a_model_failure_is_an_answer_with_an_error_not_a_500(library, owner, stub_llm, settings):
    settings.LLM_MAX_RETRIES = 0
    from tests.chat.stub_llm import Reply

    stub_llm.script(Reply(status=500))
    client = client_for(owner)
    chat = new_chat(client)

    response = client.post(f"/api/v1/conversations/{chat['id']}/messages/", QUESTION, format="json")

    assert response.status_code == 201
    answer = response.json()["answer"]
    assert answer["content"] == services.FALLBACK
    assert answer["error"] == "The model service answered HTTP 500."


def test_a_token_reaches_only_its_own_companys_chats(library, owner, company):
    from accounts.services import token_create

    _, secret = token_create(user=owner, company=company, name="integration")
    chat = services.conversation_create(membership=membership_of(owner), title="Via token")

    response = client_for(owner).get(
        "/api/v1/conversations/", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert [c["id"] for c in response.json()["results"]] == [str(chat.pk)]
