import pytest
from django.core.exceptions import ValidationError

from accounts.models import ActivityLog
from projects import selectors
from projects import services
from projects.models import Project
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Status = Project.Status


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["in_progress", "submitted", "won"], "won"),
        (["in_progress", "submitted", "lost"], "lost"),
        (["withdrawn"], "withdrawn"),
        (["in_progress", "no_bid"], "no_bid"),
        (["in_progress", "submitted", "withdrawn"], "withdrawn"),
    ],
)
def test_allowed_status_paths(bid, owner, path, final):
    for status in path:
        bid = services.project_transition(project=bid, status=status, actor=owner)

    assert bid.status == final


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        ("draft", "submitted"),
        ("draft", "won"),
        ("in_progress", "draft"),
        ("won", "lost"),
        ("lost", "in_progress"),
    ],
)
def test_refused_transitions_name_the_allowed_ones(bid, owner, start, refused):
    Project.objects.filter(pk=bid.pk).update(status=start)

    with pytest.raises(ValidationError) as error:
        services.project_transition(project=bid, status=refused, actor=owner)

    assert "Allowed:" in str(error.value)


def test_a_refused_transition_through_the_api_is_a_400_listing_the_allowed(bid, owner):
    response = client_for(owner).post(
        f"/api/v1/projects/{bid.pk}/transition/", {"status": "won"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["status"] == [
        "A draft bid cannot become “won”. Allowed: In progress, Withdrawn, No bid."
    ]


def test_trashed_bids_vanish_from_lists_search_counts_dashboard_and_api(bid, owner):
    services.project_trash(project=bid, actor=owner)
    client = client_for(owner)

    assert client.get("/api/v1/projects/").json()["count"] == 0
    assert client.get("/api/v1/projects/", {"search": "lothian"}).json()["count"] == 0
    assert client.get(f"/api/v1/projects/{bid.pk}/").status_code == 404
    assert client.get(f"/bids/{bid.pk}/").status_code == 404
    board = client.get("/dashboard/").context["board"]
    assert board["total"] == 0
    assert b"NHS Lothian FM" not in client.get("/bids/").content
    assert b"NHS Lothian FM" in client.get("/bids/trash/").content


def test_restore_brings_a_bid_back_everywhere(bid, owner):
    services.project_trash(project=bid, actor=owner)

    response = client_for(owner).post(f"/api/v1/projects/{bid.pk}/restore/")

    assert response.status_code == 200
    assert client_for(owner).get("/api/v1/projects/").json()["count"] == 1


def test_permanent_delete_needs_the_trash_first_and_an_admin(bid, owner, admin, member):
    assert (
        client_for(admin).post(f"/api/v1/projects/{bid.pk}/purge/").status_code == 404
    )  # not in the trash
    services.project_trash(project=bid, actor=owner)
    assert client_for(member).post(f"/api/v1/projects/{bid.pk}/purge/").status_code == 403

    assert client_for(admin).post(f"/api/v1/projects/{bid.pk}/purge/").status_code == 204
    assert not Project.objects.filter(pk=bid.pk).exists()


def test_permanent_delete_from_the_page_asks_for_the_bid_name(bid, owner):
    services.project_trash(project=bid, actor=owner)
    client = client_for(owner)

    assert client.post(f"/bids/{bid.pk}/delete/", {"confirm": "nhs"}).status_code == 200
    assert Project.objects.filter(pk=bid.pk).exists()
    client.post(f"/bids/{bid.pk}/delete/", {"confirm": "NHS Lothian FM"})
    assert not Project.objects.filter(pk=bid.pk).exists()


def test_ownership_transfer_makes_the_new_owner_lead(bid, owner, member):
    services.project_transfer(project=bid, new_owner=member, actor=owner)

    bid.refresh_from_db()
    assert bid.owner == member
    assert bid.members.get(user=member).role == "lead"


def test_ownership_cannot_go_to_someone_outside_the_company(bid, owner, outsider):
    response = client_for(owner).post(
        f"/api/v1/projects/{bid.pk}/transfer/", {"owner": str(outsider.pk)}, format="json"
    )

    assert response.status_code == 400


def test_the_last_lead_stays(bid, owner):
    response = client_for(owner).patch(
        f"/api/v1/projects/{bid.pk}/members/{bid.members.get().pk}/",
        {"role": "writer"},
        format="json",
    )

    assert response.status_code == 409


def test_every_kind_of_bid_write_is_in_the_activity_log(bid, owner, member):
    services.project_update(project=bid, actor=owner, reference="T-1")
    services.project_transition(project=bid, status="in_progress", actor=owner)
    services.project_member_set(project=bid, user=member, role="writer", actor=owner)
    services.project_trash(project=bid, actor=owner)
    services.project_restore(project=bid, actor=owner)
    services.project_transfer(project=bid, new_owner=member, actor=owner)

    actions = set(
        ActivityLog.objects.filter(target_id=str(bid.pk)).values_list("action", flat=True)
    )
    assert actions >= {
        "project.created", "project.updated", "project.status_changed", "project.member_added",
        "project.trashed", "project.restored", "project.transferred",
    }  # fmt: skip


def test_themes_are_ordered_and_reordered(bid, owner):
    first = services.theme_create(project=bid, title="Social value", description="", actor=owner)
    second = services.theme_create(project=bid, title="Innovation", description="", actor=owner)

    response = client_for(owner).post(
        f"/api/v1/projects/{bid.pk}/themes/reorder/",
        {"order": [str(second.pk), str(first.pk)]},
        format="json",
    )

    assert [theme["title"] for theme in response.json()] == ["Innovation", "Social value"]
    assert [theme.title for theme in bid.themes.all()] == ["Innovation", "Social value"]


def test_the_dashboard_lists_open_bids_due_in_the_next_two_weeks(company, owner):
    import datetime as dt

    from django.utils import timezone

    soon = timezone.now() + dt.timedelta(days=3)
    services.project_create(company=company, created_by=owner, name="Due soon", due_at=soon)
    closed = services.project_create(company=company, created_by=owner, name="Closed", due_at=soon)
    services.project_transition(project=closed, status="no_bid", actor=owner)
    services.project_create(
        company=company, created_by=owner, name="Later", due_at=soon + dt.timedelta(days=30)
    )

    board = client_for(owner).get("/dashboard/").context["board"]

    assert [row["name"] for row in board["due_soon"]] == ["Due soon"]
    assert board["total"] == 3


def test_search_is_case_insensitive_over_name_and_client(company, owner):
    services.project_create(
        company=company,
        created_by=owner,
        name="Grounds maintenance",
        client_name="Leeds City Council",
    )
    services.project_create(
        company=company, created_by=owner, name="Catering", client_name="HMP Wakefield"
    )
    member = owner.memberships.get()

    by_client = selectors.project_queryset(
        membership=member, filters=selectors.ProjectFilters(search="LEEDS")
    )
    by_name = selectors.project_queryset(
        membership=member, filters=selectors.ProjectFilters(search="cater")
    )

    assert [p.name for p in by_client] == ["Grounds maintenance"]
    assert [p.name for p in by_name] == ["Catering"]
