from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from accounts.services import invitation_accept
from accounts.services import invitation_create
from accounts.services import invitation_resend
from accounts.services import invitation_revoke
from bidscript.exceptions import Conflict
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(company, admin):
    invitation, token = invitation_create(
        company=company, email="New.Hire@Example.com", role=Role.MEMBER, invited_by=admin
    )
    return invitation, token


def test_accepting_an_invitation_makes_the_invitee_a_member_with_the_role(invited, company):
    invitation, token = invited
    newcomer = UserFactory.create(email="new.hire@example.com")

    membership = invitation_accept(token=token, user=newcomer)

    assert membership.company == company
    assert membership.role == Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer


def test_an_expired_invitation_is_refused(invited):
    invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(token=token, user=UserFactory.create(email="new.hire@example.com"))


def test_an_invitation_link_works_only_once(invited):
    _, token = invited
    newcomer = UserFactory.create(email="new.hire@example.com")
    invitation_accept(token=token, user=newcomer)

    with pytest.raises(Conflict, match="already accepted"):
        invitation_accept(token=token, user=newcomer)


def test_an_invitation_cannot_be_accepted_by_another_email(invited, company):
    _, token = invited
    stranger = UserFactory.create(email="someone.else@example.com")

    with pytest.raises(ValidationError, match=r"sent to new\.hire@example\.com"):
        invitation_accept(token=token, user=stranger)
    assert not Membership.objects.filter(user=stranger, company=company).exists()


def test_an_invitation_for_an_existing_member_is_refused_clearly(company, admin, member):
    with pytest.raises(ValidationError, match="already a member"):
        invitation_create(
            company=company, email=member.email.upper(), role=Role.VIEWER, invited_by=admin
        )


def test_a_second_open_invitation_for_the_same_email_is_refused(invited, company, admin):
    with pytest.raises(ValidationError, match="already has an open invitation"):
        invitation_create(
            company=company, email="new.hire@example.com", role=Role.MEMBER, invited_by=admin
        )


def test_resending_replaces_the_link_and_extends_the_expiry(invited, admin):
    invitation, old_token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )

    renewed, new_token = invitation_resend(invitation=invitation, actor=admin)

    assert renewed.expires_at > timezone.now() + timedelta(days=6)
    newcomer = UserFactory.create(email="new.hire@example.com")
    with pytest.raises(ValidationError, match="not valid"):
        invitation_accept(token=old_token, user=newcomer)
    invitation_accept(token=new_token, user=newcomer)


def test_a_revoked_invitation_cannot_be_accepted(invited, admin):
    invitation, token = invited
    invitation_revoke(invitation=invitation, actor=admin)

    with pytest.raises(Conflict, match="already revoked"):
        invitation_accept(token=token, user=UserFactory.create(email="new.hire@example.com"))


def test_inviting_through_the_api_emails_the_link_and_returns_it_once(company, admin):
    response = client_for(admin).post(
        "/api/v1/invitations/", {"email": "bid.writer@example.com", "role": "member"}, format="json"
    )

    assert response.status_code == 201
    link = response.json()["accept_url"]
    assert "/invitations/" in link
    assert mail.outbox[-1].to == ["bid.writer@example.com"]
    assert link in mail.outbox[-1].body
    listed = client_for(admin).get("/api/v1/invitations/").json()["results"]
    assert "accept_url" not in listed[0]


def test_accepting_in_the_browser_joins_and_switches_to_the_company(invited, company):
    _, token = invited
    newcomer = UserFactory.create(email="new.hire@example.com")
    browser = client_for(newcomer)

    page = browser.get(f"/invitations/{token}/")
    assert b"Join Acme Bids" in page.content
    response = browser.post(f"/invitations/{token}/")

    assert response.status_code == 302
    me = browser.get("/api/v1/me/").json()
    assert me["current"]["company"]["name"] == "Acme Bids"
