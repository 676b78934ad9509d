import pytest

from projects.models import ProjectMember
from tests.conftest import client_for
from tests.projects.conftest import join

pytestmark = pytest.mark.django_db


def listed(user):
    return [row["name"] for row in client_for(user).get("/api/v1/projects/").json()["results"]]


@pytest.mark.parametrize("persona", ["owner", "admin"])
def test_owners_and_admins_see_every_bid_of_the_company(persona, request, bid):
    user = request.getfixturevalue(persona)

    assert listed(user) == ["NHS Lothian FM"]
    assert client_for(user).get(f"/bids/{bid.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_members_and_viewers_see_only_bids_they_are_on(persona, request, bid):
    user = request.getfixturevalue(persona)
    assert listed(user) == []
    assert client_for(user).get(f"/bids/{bid.pk}/").status_code == 404
    assert client_for(user).get(f"/api/v1/projects/{bid.pk}/").status_code == 404

    join(bid, user, ProjectMember.Role.VIEWER)

    assert listed(user) == ["NHS Lothian FM"]
    assert client_for(user).get(f"/bids/{bid.pk}/").status_code == 200


def test_an_outsider_gets_404_for_the_bid(bid, outsider):
    assert client_for(outsider).get(f"/bids/{bid.pk}/").status_code == 404
    assert client_for(outsider).get(f"/api/v1/projects/{bid.pk}/").status_code == 404
    assert listed(outsider) == []


BID_ACTIONS = {
    # name: (bid roles allowed, request)
    "view": (
        {"lead", "writer", "reviewer", "viewer"},
        lambda c, b: c.get(f"/api/v1/projects/{b.pk}/"),
    ),
    "edit details": (
        {"lead", "writer"},
        lambda c, b: c.patch(f"/api/v1/projects/{b.pk}/", {"reference": "ITT-9"}, format="json"),
    ),
    "add a win theme": (
        {"lead", "writer"},
        lambda c, b: c.post(
            f"/api/v1/projects/{b.pk}/themes/", {"title": "Local jobs"}, format="json"
        ),
    ),
    "change status": (
        {"lead"},
        lambda c, b: c.post(
            f"/api/v1/projects/{b.pk}/transition/", {"status": "in_progress"}, format="json"
        ),
    ),
    "manage members": (
        {"lead"},
        lambda c, b: c.post(
            f"/api/v1/projects/{b.pk}/members/",
            {"user": str(b.owner_id), "role": "lead"},
            format="json",
        ),
    ),
    "trash": ({"lead"}, lambda c, b: c.delete(f"/api/v1/projects/{b.pk}/")),
    "transfer": (
        {"lead"},
        lambda c, b: c.post(
            f"/api/v1/projects/{b.pk}/transfer/", {"owner": str(b.owner_id)}, format="json"
        ),
    ),
}


@pytest.mark.parametrize("bid_role", ["lead", "writer", "reviewer", "viewer"])
@pytest.mark.parametrize("action", list(BID_ACTIONS))
def test_bid_role_decides_what_a_company_member_may_do(action, bid_role, bid, member):
    allowed, perform = BID_ACTIONS[action]
    join(bid, member, bid_role)

    response = perform(client_for(member), bid)

    if bid_role in allowed:
        assert response.status_code < 400, response.content
    else:
        assert response.status_code == 403, response.content


def test_company_viewers_cannot_create_bids(viewer, member):
    assert (
        client_for(viewer).post("/api/v1/projects/", {"name": "X"}, format="json").status_code
        == 403
    )
    assert (
        client_for(member).post("/api/v1/projects/", {"name": "X"}, format="json").status_code
        == 201
    )


def test_the_creator_becomes_owner_and_lead(member):
    created = (
        client_for(member)
        .post("/api/v1/projects/", {"name": "Met Police cleaning"}, format="json")
        .json()
    )

    assert created["owner"]["email"] == member.email
    assert created["your_role"] == "lead"
