from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.models import Membership
from accounts.models import User
from accounts.services import token_authenticate
from accounts.services import token_create
from accounts.services import token_revoke

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_valid_token_calls_me_as_its_user_in_its_company(member, company):
    token, secret = token_create(user=member, company=company, name="CRM sync")

    response = bearer(secret).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == member.email
    assert body["current"]["company"]["id"] == str(company.pk)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_of_the_secret_is_stored(member, company):
    token, secret = token_create(user=member, company=company, name="CI")

    assert secret.startswith(f"bs_{token.prefix}_")
    assert secret not in {token.secret_hash, token.prefix}
    assert not ApiToken.objects.filter(secret_hash=secret).exists()


def test_a_revoked_token_is_refused(member, company):
    token, secret = token_create(user=member, company=company, name="CI")
    token_revoke(token=token, actor=member)

    response = bearer(secret).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["message"] == "Invalid, expired or revoked API token."


def test_an_expired_token_is_refused(member, company):
    token, secret = token_create(
        user=member, company=company, name="CI", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_company(member, company):
    _, secret = token_create(user=member, company=company, name="CI")
    Membership.objects.filter(user=member, company=company).delete()

    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_token_cannot_reach_another_companys_members(member, company, outsider, other_company):
    _, secret = token_create(user=member, company=company, name="CI")
    foreign = Membership.objects.get(user=outsider)

    assert bearer(secret).get(f"/api/v1/members/{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("header", ["Bearer", "Bearer bs_nope_nope", "Bearer a b", "Bearer bs__x"])
def test_a_malformed_or_unknown_token_is_refused(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get("/api/v1/me/").status_code == 401


def test_tokens_are_created_listed_once_with_their_secret_and_revoked_through_the_api(member):
    from tests.conftest import client_for

    client = client_for(member)
    created = client.post("/api/v1/tokens/", {"name": "Zapier"}, format="json")
    assert created.status_code == 201
    secret = created.json()["secret"]

    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [token["name"] for token in listed] == ["Zapier"]
    assert "secret" not in listed[0]

    assert client.delete(f"/api/v1/tokens/{created.json()['id']}/").status_code == 204
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_token_is_resolved_with_its_user_company_and_role_in_one_query(member, company):
    _, secret = token_create(user=member, company=company, name="CI")
    token_authenticate(secret)  # records last use, which later calls skip for a minute

    with CaptureQueriesContext(connection) as queries:
        token = token_authenticate(secret)

    assert len(queries) == 1
    assert token is not None
    assert token.membership is not None
    assert (token.user, token.company) == (member, company)
    assert token.membership.role == Membership.objects.get(user=member, company=company).role
    loaded = (token, token.user, token.company, token.membership)
    assert all(not instance.get_deferred_fields() for instance in loaded)


def test_a_deactivated_user_s_token_is_refused(member, company):
    _, secret = token_create(user=member, company=company, name="CI")
    User.objects.filter(pk=member.pk).update(is_active=False)

    assert bearer(secret).get("/api/v1/me/").status_code == 401


@pytest.mark.skipif(
    not settings.DB_PREPARED_STATEMENTS, reason="prepared statements are turned off"
)
def test_the_token_query_is_planned_once_per_connection(member, company):
    _, secret = token_create(user=member, company=company, name="CI")

    for _ in range(3):
        assert token_authenticate(secret) is not None

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%FROM "accounts_apitoken" t%'],
        )
        assert cursor.fetchall() == [(3,)]
