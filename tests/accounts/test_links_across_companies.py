"""A link to a bid, document or conversation of another company the user belongs to opens it
there (switching company, and saying so); anyone else gets the 404 a missing id gets."""

import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services as accounts
from accounts.models import Membership
from accounts.models import Role
from accounts.tenancy import SESSION_KEY
from chat import services as chat
from documents import services as documents
from projects import services as projects
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid(company, owner):
    return projects.project_create(company=company, created_by=owner, name="Lothian FM")


@pytest.fixture
def in_personal_workspace(owner):
    """The owner signed in and working in their personal workspace, as after sign-in."""
    personal = accounts.company_create_personal(user=owner)
    client = client_for(owner)
    session = client.session
    session[SESSION_KEY] = str(personal.pk)
    session.save()
    return client


def page_text(response) -> str:
    """The page without its per-render CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def current_company(client):
    return client.session[SESSION_KEY]


def test_a_link_to_a_bid_of_another_of_my_companies_switches_there_and_says_so(
    in_personal_workspace, bid, company
):
    url = reverse("projects:detail", kwargs={"project_id": bid.pk}) + "?tab=team"

    response = in_personal_workspace.get(url)

    assert response.status_code == 302
    assert response["Location"] == url
    assert current_company(in_personal_workspace) == str(company.pk)
    page = in_personal_workspace.get(url)
    assert page.status_code == 200
    assert "Switched to Acme Bids to open this bid." in page.content.decode()


def test_a_link_to_a_document_or_conversation_switches_too(
    in_personal_workspace, owner, company, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = documents.document_upload(
        company=company, uploaded_by=owner, file=SimpleUploadedFile("policy.txt", b"Quality.")
    )
    conversation = chat.conversation_create(
        membership=Membership.objects.get(user=owner, company=company)
    )

    opened = in_personal_workspace.get(reverse("documents:detail", args=[document.pk]))
    messages = [str(m) for m in get_messages(opened.wsgi_request)]

    assert opened.status_code == 302
    assert messages == ["Switched to Acme Bids to open this document."]
    in_personal_workspace.post(reverse("accounts:switch"), {"company": owner.memberships.get(
        company__kind="personal").company_id})  # fmt: skip
    chat_page = in_personal_workspace.get(
        reverse("chat:conversation", args=[conversation.pk]), follow=True
    )
    assert "Switched to Acme Bids to open this conversation." in chat_page.content.decode()


def test_an_outsider_gets_the_404_of_a_missing_id_and_stays_in_their_company(
    bid, outsider, other_company
):
    client = client_for(outsider)

    foreign = client.get(reverse("projects:detail", args=[bid.pk]))
    missing = client.get(reverse("projects:detail", args=[uuid.uuid4()]))

    assert foreign.status_code == missing.status_code == 404
    assert page_text(foreign) == page_text(missing)
    assert client.session.get(SESSION_KEY) in (None, str(other_company.pk))


def test_a_member_of_the_company_who_may_not_see_the_bid_gets_404_without_switching(bid, company):
    colleague = MembershipFactory.create(company=company, role=Role.MEMBER).user
    personal = accounts.company_create_personal(user=colleague)
    client = client_for(colleague)
    session = client.session
    session[SESSION_KEY] = str(personal.pk)
    session.save()

    response = client.get(reverse("projects:detail", args=[bid.pk]))

    assert response.status_code == 404
    assert current_company(client) == str(personal.pk)


def test_a_form_posted_to_another_companys_bid_is_404_and_switches_nothing(
    in_personal_workspace, bid
):
    response = in_personal_workspace.post(
        reverse("projects:theme_add", args=[bid.pk]), {"title": "Social value"}
    )

    assert response.status_code == 404
    assert not bid.themes.exists()


def test_an_api_token_stays_in_its_company(owner, bid, api_client):
    personal = accounts.company_create_personal(user=owner)
    _, secret = accounts.token_create(user=owner, company=personal, name="CI")

    response = api_client.get(f"/api/v1/projects/{bid.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 404


def test_the_api_in_a_browser_session_does_not_switch_either(in_personal_workspace, bid, owner):
    personal_id = current_company(in_personal_workspace)

    response = in_personal_workspace.get(f"/api/v1/projects/{bid.pk}/")

    assert response.status_code == 404
    assert current_company(in_personal_workspace) == personal_id
