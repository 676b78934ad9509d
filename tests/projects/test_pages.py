import pytest

from accounts.models import Membership
from projects.models import Project
from projects.models import ProjectMember
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_creating_a_bid_validates_and_makes_you_its_lead(member):
    client = client_for(member)

    refused = client.post("/bids/new/", {"name": "", "currency": "pounds"})
    response = client.post(
        "/bids/new/", {"name": "Prison catering", "client_name": "HMPPS", "currency": "gbp"}
    )

    assert refused.status_code == 200
    assert b"This field is required." in refused.content
    project = Project.objects.get(name="Prison catering")
    assert response["Location"] == f"/bids/{project.pk}/"
    assert project.currency == "GBP"
    assert project.members.get().role == ProjectMember.Role.LEAD


def test_editing_a_bid_saves_and_logs_the_changed_fields(bid, owner):
    client_for(owner).post(
        f"/bids/{bid.pk}/edit/",
        {
            "name": "NHS Lothian FM",
            "client_name": "NHS Lothian",
            "reference": "NL-9",
            "currency": "GBP",
        },
    )

    bid.refresh_from_db()
    assert bid.reference == "NL-9"


def test_the_lead_adds_a_colleague_and_hands_over_the_bid_from_its_page(bid, owner, member):
    client = client_for(owner)

    client.post(f"/bids/{bid.pk}/members/", {"user": member.pk, "role": "reviewer"})
    client.post(f"/bids/{bid.pk}/transfer/", {"owner": member.pk})

    bid.refresh_from_db()
    assert bid.owner == member
    assert bid.members.get(user=member).role == ProjectMember.Role.LEAD


def test_a_colleague_from_another_company_cannot_be_added(bid, owner, outsider):
    client_for(owner).post(f"/bids/{bid.pk}/members/", {"user": outsider.pk, "role": "writer"})

    assert not bid.members.filter(user=outsider).exists()


def test_a_refused_status_change_is_explained_on_the_page(bid, owner):
    response = client_for(owner).post(f"/bids/{bid.pk}/status/", {"status": "won"}, follow=True)

    assert "cannot become “won”".encode() in response.content
    assert Project.objects.get(pk=bid.pk).status == "draft"


def test_win_themes_are_added_moved_and_deleted_from_the_bid_page(bid, owner):
    client = client_for(owner)
    for title in ("Social value", "Innovation"):
        client.post(f"/bids/{bid.pk}/themes/", {"title": title, "description": ""})
    innovation = bid.themes.get(title="Innovation")

    client.post(f"/bids/{bid.pk}/themes/{innovation.pk}/move/", {"direction": "up"})
    assert [t.title for t in bid.themes.all()] == ["Innovation", "Social value"]

    client.post(f"/bids/{bid.pk}/themes/{innovation.pk}/delete/")
    assert [t.title for t in bid.themes.all()] == ["Social value"]


def test_a_viewer_on_the_bid_sees_it_without_edit_controls(bid, viewer):
    from tests.projects.conftest import join

    join(bid, viewer, ProjectMember.Role.VIEWER)

    page = client_for(viewer).get(f"/bids/{bid.pk}/").content.decode()

    assert "NHS Lothian FM" in page
    assert "Move to trash" not in page
    assert "Add theme" not in page
    assert client_for(viewer).post(f"/bids/{bid.pk}/themes/", {"title": "X"}).status_code == 403


def test_someone_without_a_company_is_sent_to_create_one(bid, owner):
    Membership.objects.filter(user=owner).delete()

    response = client_for(owner).get("/dashboard/")

    assert response["Location"] == "/settings/company/"
