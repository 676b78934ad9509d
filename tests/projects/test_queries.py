import pytest

from tests.conftest import client_for
from tests.projects.conftest import make_bids

pytestmark = pytest.mark.django_db

# User, membership, count and rows (the session comes from Redis), with a little slack.
PAGE_QUERIES = 6


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/",
        "/bids/",
        "/dashboard/",
        "/bids/trash/",
        "/api/v1/projects/?search=bid&ordering=due_at",
    ],
)
def test_list_queries_do_not_grow_with_the_number_of_bids(
    url, count, company, owner, django_assert_max_num_queries
):
    make_bids(company, owner, count)
    client = client_for(owner)
    client.get("/settings/profile/")  # the session is warm, the bid list cache is not

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_bid_page_queries_do_not_grow_with_members_or_themes(
    count, company, owner, bid, django_assert_max_num_queries
):
    from projects import services
    from tests.factories import MembershipFactory

    for n in range(count // 5):
        user = MembershipFactory.create(company=company).user
        services.project_member_set(project=bid, user=user, role="writer", actor=owner)
        services.theme_create(project=bid, title=f"Theme {n}", description="", actor=owner)
    client = client_for(owner)

    with django_assert_max_num_queries(20):
        assert client.get(f"/bids/{bid.pk}/").status_code == 200
