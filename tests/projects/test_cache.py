import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.services import token_create
from projects import selectors
from projects import services
from tests.conftest import client_for
from tests.projects.conftest import make_bids

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def fresh_membership(user):
    """As each request loads it: with the company's current data version."""
    return Membership.objects.select_related("company").get(user=user)


def page(user, **filters):
    return selectors.project_page(
        membership=fresh_membership(user), filters=selectors.ProjectFilters(**filters)
    )


def test_the_second_read_is_served_from_redis(company, owner):
    make_bids(company, owner, 3)
    membership = fresh_membership(owner)
    filters = selectors.ProjectFilters()

    with CaptureQueriesContext(connection) as first:
        selectors.project_page(membership=membership, filters=filters)
    with CaptureQueriesContext(connection) as second:
        cached = selectors.project_page(membership=membership, filters=filters)

    assert len(first) >= 2
    assert len(second) == 0
    assert cached["count"] == 3
    assert cache.keys(f"projects:page:{company.pk}:*")  # type: ignore[attr-defined]


WRITES = {
    "create": lambda bid, owner, member: services.project_create(
        company=bid.company, created_by=owner, name="Another"
    ),
    "update": lambda bid, owner, member: services.project_update(
        project=bid, actor=owner, name="Renamed"
    ),
    "status": lambda bid, owner, member: services.project_transition(
        project=bid, status="in_progress", actor=owner
    ),
    "trash": lambda bid, owner, member: services.project_trash(project=bid, actor=owner),
    "transfer": lambda bid, owner, member: services.project_transfer(
        project=bid, new_owner=member, actor=owner
    ),
    "member": lambda bid, owner, member: services.project_member_set(
        project=bid, user=member, role="writer", actor=owner
    ),
    "theme": lambda bid, owner, member: services.theme_create(
        project=bid, title="T", description="", actor=owner
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_makes_the_next_read_fresh(write, bid, owner, member):
    before = page(owner)
    dashboard_before = selectors.dashboard(membership=fresh_membership(owner))

    WRITES[write](bid, owner, member)

    after = page(owner)
    assert fresh_membership(owner).company.data_version > 0
    assert after == selectors.project_page(
        membership=fresh_membership(owner), filters=selectors.ProjectFilters()
    )
    expected = {
        "create": lambda: after["count"] == before["count"] + 1,
        "update": lambda: after["results"][0]["name"] == "Renamed",
        "status": lambda: after["results"][0]["status"] == "in_progress",
        "trash": lambda: after["count"] == 0,
        "transfer": lambda: after["results"][0]["owner"]["email"] == member.email,
        "member": lambda: selectors.dashboard(membership=fresh_membership(member))["mine"],
        "theme": lambda: True,  # themes are not listed; the version still moves on
    }
    assert expected[write]()
    if write in ("create", "trash", "status"):
        assert selectors.dashboard(membership=fresh_membership(owner)) != dashboard_before


def test_a_member_added_to_a_bid_sees_it_at_once(bid, owner, member):
    assert page(member)["count"] == 0

    services.project_member_set(project=bid, user=member, role="viewer", actor=owner)

    assert page(member)["count"] == 1


def test_pages_and_api_work_when_redis_is_down(bid, owner, settings):
    settings.CACHES = UNREACHABLE_REDIS
    client = client_for(owner)

    assert client.get("/api/v1/projects/").json()["count"] == 1
    assert client.get("/bids/").status_code == 200
    assert client.get("/dashboard/").status_code == 200


def test_users_with_different_visibility_do_not_share_cached_lists(bid, owner, member):
    assert page(owner)["count"] == 1

    assert page(member)["count"] == 0


def test_a_repeated_api_list_is_answered_from_redis_after_the_token_check(company, owner):
    make_bids(company, owner, 3)
    _, secret = token_create(user=owner, company=company, name="CI")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = client.get("/api/v1/projects/?ordering=name&page_size=2")

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/api/v1/projects/?ordering=name&page_size=2")

    assert len(queries) == 1  # the token, its user, company and membership
    assert second["Content-Type"] == "application/json"
    assert second.content == first.content
    assert [row["name"] for row in second.json()["results"]] == sorted(
        row["name"] for row in client.get("/api/v1/projects/?ordering=name").json()["results"]
    )[:2]


def test_invalid_api_filters_are_refused_even_after_valid_ones_were_cached(bid, owner):
    client = client_for(owner)
    assert client.get("/api/v1/projects/?status=draft").status_code == 200

    response = client.get("/api/v1/projects/?status=drafted")

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_the_api_list_is_fresh_after_a_write(bid, owner):
    client = client_for(owner)
    assert client.get("/api/v1/projects/").json()["results"][0]["name"] == bid.name

    services.project_update(project=bid, actor=owner, name="Renamed")

    assert client.get("/api/v1/projects/").json()["results"][0]["name"] == "Renamed"
