import pytest

from chat import services
from tests.chat.conftest import membership_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_support_staff_can_read_a_conversation_but_not_change_it(support, library, owner):
    membership = membership_of(owner)
    chat = services.conversation_create(membership=membership)
    list(services.message_send(conversation=chat, membership=membership, question="ISO 9001?"))
    answer = chat.messages.get(role="assistant")

    listing = support.get("/admin/chat/conversation/", {"q": owner.email})
    page = support.get(f"/admin/chat/conversation/{chat.pk}/change/")
    message = support.get(f"/admin/chat/message/{answer.pk}/change/")

    assert listing.status_code == page.status_code == message.status_code == 200
    assert "ISO 9001?" in listing.content.decode()
    assert "Save" not in page.content.decode()
    assert support.get("/admin/chat/conversation/add/").status_code == 403
    assert (
        support.post(f"/admin/chat/conversation/{chat.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert chat.messages.count() == 2
