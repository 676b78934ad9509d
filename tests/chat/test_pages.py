import pytest
from django.test import Client

from chat import services
from chat.models import Conversation
from chat.models import Message
from tests.chat.conftest import membership_of
from tests.documents.conftest import ingest

pytestmark = pytest.mark.django_db

QUESTION = "When does our ISO 9001 certificate expire?"


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def new_chat(browser):
    response = browser.post("/chat/new/", {"project": ""})
    return Conversation.objects.get(pk=response.url.split("/")[2])


def test_chat_without_conversations_welcomes_and_offers_a_new_chat(browser, owner):
    page = browser.get("/chat/").content.decode()

    assert "Ask your documents" in page
    assert 'action="/chat/new/"' in page


def test_chat_opens_the_latest_conversation(browser, owner):
    services.conversation_create(membership=membership_of(owner), title="Older")
    latest = services.conversation_create(membership=membership_of(owner), title="Latest")

    response = browser.get("/chat/")

    assert response.url == f"/chat/{latest.pk}/"


def test_asking_without_javascript_shows_the_answer_with_links_to_the_passage(browser, library):
    chat = new_chat(browser)

    response = browser.post(f"/chat/{chat.pk}/ask/", {"content": QUESTION}, follow=True)

    page = response.content.decode()
    answer = chat.messages.get(role="assistant")
    passage = answer.citations[0]["chunk"]
    link = f"/documents/{library['iso.md'].pk}/?passage={passage}#passage-{passage}"
    assert "14 March 2027" in page
    assert f'<a class="cite" href="{link}"' in page
    assert "Regenerate" in page
    document_page = browser.get(link).content.decode()
    assert f'id="passage-{passage}" class="chunk--focus"' in document_page


def test_an_offline_answer_says_how_it_was_made_and_shows_a_list_line_by_line(
    browser, company, owner
):
    ingest(company, owner, "itt.md", (
        "# Requirements\n\nBidders must hold all of the following:\n\n(a) ISO 9001 for quality."
        "\n\n(b) ISO 14001 for the environment.\n\n(c) ISO 45001 for health and safety."
    ))  # fmt: skip
    chat = new_chat(browser)

    page = browser.post(
        f"/chat/{chat.pk}/ask/", {"content": "Which ISO certificates must bidders hold?"},
        follow=True,
    ).content.decode()  # fmt: skip

    assert "Answer assembled from your documents, no AI model configured" in page
    assert "extractive-1" not in page
    assert "(a) ISO 9001 for quality.<br>\n(b) ISO 14001 for the environment.<br>" in page
    assert chat.messages.get(role="assistant").model == "extractive-1"  # kept as an identifier


def test_the_page_script_gets_the_answer_as_server_sent_events(browser, library):
    chat = new_chat(browser)

    response = browser.post(
        f"/chat/{chat.pk}/ask/", {"content": QUESTION}, HTTP_ACCEPT="text/event-stream"
    )

    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"] == "text/event-stream"
    assert body.startswith("event: question\n")
    assert "event: delta\n" in body
    assert body.rstrip().splitlines()[-2] == "event: done"
    assert 'class=\\"cite\\"' in body
    assert Message.objects.filter(conversation=chat, role="assistant").count() == 1


def test_the_document_picker_offers_only_ready_documents_in_scope(browser, library):
    chat = new_chat(browser)

    page = browser.get(f"/chat/{chat.pk}/").content.decode()

    for name in ("iso.md", "social-value.md", "mobilisation.md"):
        assert name in page


def test_a_refused_question_is_explained_to_the_script_and_to_the_page(browser, library, settings):
    settings.CHAT_RATE_LIMIT = 0
    chat = new_chat(browser)

    streamed = browser.post(
        f"/chat/{chat.pk}/ask/", {"content": QUESTION}, HTTP_ACCEPT="text/event-stream"
    )
    posted = browser.post(f"/chat/{chat.pk}/ask/", {"content": QUESTION}, follow=True)

    assert streamed.status_code == 429
    assert int(streamed["Retry-After"]) >= 1
    assert "please wait" in streamed.json()["message"]
    assert "please wait" in posted.content.decode()
    assert not chat.messages.exists()


def test_an_empty_question_is_refused(browser, library):
    chat = new_chat(browser)

    response = browser.post(
        f"/chat/{chat.pk}/ask/", {"content": ""}, HTTP_ACCEPT="text/event-stream"
    )

    assert response.status_code == 400
    assert "required" in response.json()["message"]


def test_rename_and_delete_a_chat(browser, library):
    chat = new_chat(browser)

    browser.post(f"/chat/{chat.pk}/rename/", {"title": "ISO questions"})
    chat.refresh_from_db()
    deleted = browser.post(f"/chat/{chat.pk}/delete/", follow=True)

    assert chat.title == "ISO questions"
    assert "“ISO questions” was deleted." in deleted.content.decode()
    assert not Conversation.objects.filter(pk=chat.pk).exists()


def test_a_colleague_cannot_open_my_chat(browser, library, member):
    chat = new_chat(browser)
    colleague = Client()
    colleague.force_login(member)

    assert colleague.get(f"/chat/{chat.pk}/").status_code == 404
    assert colleague.post(f"/chat/{chat.pk}/ask/", {"content": QUESTION}).status_code == 404
