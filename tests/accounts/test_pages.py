import uuid

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import ApiToken
from accounts.models import Company
from accounts.models import Membership
from accounts.models import Role
from tests.conftest import PASSWORD
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = ["profile", "security", "company", "members", "tokens", "activity"]


def reauthenticated(user) -> Client:
    """A browser that signed in and then confirmed its password, as sensitive actions ask."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 302
    )
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_settings_pages_render_for_owners(page, owner):
    response = client_for(owner).get(f"/settings/{page}/")

    assert response.status_code == 200
    assert b"settings-nav" in response.content


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_settings_pages_ask_anonymous_visitors_to_sign_in(page):
    response = Client().get(f"/settings/{page}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_members_see_no_activity_page_and_no_invitation_form(member):
    client = client_for(member)

    assert client.get("/settings/activity/").status_code == 403
    assert b"Send invitation" not in client.get("/settings/members/").content


def test_admins_find_members_by_name_or_email(company, admin):
    MembershipFactory.create(
        company=company, user__name="Priya Shah", user__email="priya@acme.test"
    )
    MembershipFactory.create(company=company, user__name="Tom Bell", user__email="tom@acme.test")

    response = client_for(admin).get("/settings/members/", {"q": "SHAH"})

    assert b"priya@acme.test" in response.content
    assert b"tom@acme.test" not in response.content


def test_a_new_token_secret_is_shown_once_after_reauthentication(member, company):
    browser = reauthenticated(member)

    browser.post("/settings/tokens/new/", {"name": "Zapier", "expires_in": "30"})
    first = browser.get("/settings/tokens/").content.decode()
    second = browser.get("/settings/tokens/").content.decode()

    token = ApiToken.objects.get(user=member)
    assert f"bs_{token.prefix}_" in first
    assert "Copy your new token now" in first
    assert "Copy your new token now" not in second


def test_creating_a_token_without_a_recent_sign_in_asks_to_reauthenticate(member):
    response = client_for(member).post("/settings/tokens/new/", {"name": "Zapier"})

    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_deleting_a_company_needs_its_name_typed_exactly(company, owner):
    browser = reauthenticated(owner)

    refused = browser.post("/settings/company/delete/", {"confirm": "acme bids"})
    assert refused.status_code == 200
    assert Company.objects.filter(pk=company.pk).exists()

    browser.post("/settings/company/delete/", {"confirm": "Acme Bids"})
    assert not Company.objects.filter(pk=company.pk).exists()


def test_switching_to_a_company_you_are_not_in_is_a_404(member, other_company):
    client = client_for(member)

    assert (
        client.post("/settings/company/switch/", {"company": other_company.pk}).status_code == 404
    )
    assert client.post("/settings/company/switch/", {"company": uuid.uuid4()}).status_code == 404


def test_switching_company_changes_what_the_session_acts_in(member, company, other_company):
    MembershipFactory.create(user=member, company=other_company, role=Role.VIEWER)
    client = client_for(member)

    client.post("/settings/company/switch/", {"company": other_company.pk})

    assert client.get("/api/v1/me/").json()["current"]["company"]["id"] == str(other_company.pk)


def test_creating_a_workspace_makes_you_its_owner_and_switches_to_it(member):
    client = client_for(member)

    client.post("/settings/company/new/", {"create-name": "Frameworks team"})

    created = Company.objects.get(name="Frameworks team")
    assert Membership.objects.get(company=created).role == Role.OWNER
    assert client.get("/api/v1/me/").json()["current"]["company"]["name"] == "Frameworks team"


def test_the_last_owner_is_told_why_they_cannot_leave(owner):
    response = client_for(owner).post("/settings/members/leave/", follow=True)

    assert b"last owner" in response.content
