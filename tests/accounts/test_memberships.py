import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import services
from accounts.models import ActivityLog
from accounts.models import ApiToken
from accounts.models import Membership
from accounts.models import Role
from accounts.services import membership_change_role
from accounts.services import membership_remove
from accounts.services import token_create
from accounts.services import user_transfer
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_last_owner_cannot_leave_with_a_409_that_says_why(company, owner):
    mine = Membership.objects.get(user=owner, company=company)

    response = client_for(owner).post("/api/v1/members/leave/")

    assert response.status_code == 409
    assert "last owner" in response.json()["message"]
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_the_last_owner_cannot_be_demoted(company, owner):
    mine = Membership.objects.get(user=owner, company=company)

    response = client_for(owner).patch(
        f"/api/v1/members/{mine.pk}/", {"role": "admin"}, format="json"
    )

    assert response.status_code == 409
    assert Membership.objects.get(pk=mine.pk).role == Role.OWNER


def test_an_owner_can_step_down_once_another_owner_exists(company, owner, admin):
    membership_change_role(
        membership=Membership.objects.get(user=admin), role=Role.OWNER, actor=owner
    )

    demoted = membership_change_role(
        membership=Membership.objects.get(user=owner), role=Role.MEMBER, actor=owner
    )

    assert demoted.role == Role.MEMBER


def test_removing_a_member_revokes_their_tokens_in_that_company(company, owner, member):
    token, _ = token_create(user=member, company=company, name="CI")

    membership_remove(membership=Membership.objects.get(user=member), actor=owner)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ActivityLog.objects.filter(company=company, action="member.removed").exists()


@pytest.fixture
def target_company(owner):
    return services.company_create(name="Acme Group", owner=owner)


def test_a_user_transfer_moves_membership_revokes_tokens_and_audits_both_companies(
    company, owner, member, target_company
):
    token, _ = token_create(user=member, company=company, name="CI")

    user_transfer(
        user=member,
        source=company,
        target=target_company,
        new_owner=owner,
        role=Role.MEMBER,
        actor=owner,
    )

    assert not Membership.objects.filter(user=member, company=company).exists()
    assert Membership.objects.filter(user=member, company=target_company, role=Role.MEMBER).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert {entry.company for entry in ActivityLog.objects.filter(action="member.transferred")} == {
        company,
        target_company,
    }


def test_a_user_transfer_that_fails_midway_changes_nothing(
    company, owner, member, target_company, monkeypatch
):
    token, _ = token_create(user=member, company=company, name="CI")

    def failing_hook(*, user, company, new_owner):
        raise RuntimeError("the bids could not be handed over")

    monkeypatch.setattr(services, "OWNERSHIP_HOOKS", [failing_hook])
    with pytest.raises(RuntimeError), transaction.atomic():
        user_transfer(
            user=member,
            source=company,
            target=target_company,
            new_owner=owner,
            role=Role.MEMBER,
            actor=owner,
        )

    assert Membership.objects.filter(user=member, company=company).exists()
    assert not Membership.objects.filter(user=member, company=target_company).exists()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not ActivityLog.objects.filter(action="member.transferred").exists()


def test_a_user_transfer_needs_a_new_owner_from_the_source_company(
    company, member, target_company, outsider
):
    with pytest.raises(ValidationError, match="new owner"):
        user_transfer(
            user=member,
            source=company,
            target=target_company,
            new_owner=outsider,
            role=Role.MEMBER,
            actor=member,
        )


def test_user_search_is_case_insensitive_within_the_company_and_capped_at_50(
    company, admin, outsider
):
    for n in range(55):
        MembershipFactory(
            company=company, user__email=f"writer{n}@acme.test", user__name=f"Writer {n}"
        )
    outsider.name = "Writer Outside"
    outsider.save()

    results = client_for(admin).get("/api/v1/users/search/", {"q": "WRITER"}).json()

    assert len(results) == 50
    assert all(user["email"].endswith("@acme.test") for user in results)


def test_activity_entries_cannot_be_edited(company, owner):
    entry = ActivityLog.objects.filter(company=company).first() or services.activity_record(
        company=company, actor=owner, action="test", category=ActivityLog.Category.COMPANY
    )

    entry.action = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_the_activity_api_lists_and_filters_the_companys_entries(company, owner, member):
    token_create(user=member, company=company, name="CI")
    services.company_rename(company=company, name="Acme Bids Ltd", actor=owner)

    client = client_for(owner)
    everything = client.get("/api/v1/activity/").json()["results"]
    tokens_only = client.get("/api/v1/activity/", {"category": "token"}).json()["results"]

    assert {entry["action"] for entry in everything} >= {"token.created", "company.renamed"}
    assert [entry["action"] for entry in tokens_only] == ["token.created"]
    assert ApiToken.objects.count() == 1
