import pytest

from chat import services
from chat.models import Message
from tests.chat.conftest import membership_of

pytestmark = pytest.mark.django_db


def ask(membership, question, conversation=None, **options):
    conversation = conversation or services.conversation_create(membership=membership)
    events = list(
        services.message_send(
            conversation=conversation, membership=membership, question=question, **options
        )
    )
    return conversation, events


def test_an_answer_cites_the_passage_it_quotes(library, owner):
    membership = membership_of(owner)
    conversation, events = ask(membership, "When does our ISO 9001 certificate expire?")

    answer = events[-1].message
    print(answer.content)
    assert "14 March 2027" in answer.content
    assert "[1]" in answer.content
    assert answer.citations[0]["document_title"] == "iso.md"
    assert conversation.title == "When does our ISO 9001 certificate expire?"
    assert [event.kind for event in events][:2] == ["question", "delta"]
    assert events[-1].kind == "done"
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_question_the_documents_do_not_cover_gets_an_honest_answer(library, owner):
    _, events = ask(membership_of(owner), "What is the boiling point of mercury on Mars?")

    answer = events[-1].message
    print(answer.content)
    assert answer.content == services.NOT_COVERED
    assert answer.citations == []
