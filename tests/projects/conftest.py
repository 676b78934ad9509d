import pytest

from projects import services
from projects.models import ProjectMember


@pytest.fixture
def bid(company, owner):
    return services.project_create(
        company=company, created_by=owner, name="NHS Lothian FM", client_name="NHS Lothian"
    )


def make_bids(company, owner, count, **fields):
    return [
        services.project_create(company=company, created_by=owner, name=f"Bid {n:03d}", **fields)
        for n in range(count)
    ]


def join(bid, user, role=ProjectMember.Role.WRITER, actor=None):
    return services.project_member_set(project=bid, user=user, role=role, actor=actor or bid.owner)
