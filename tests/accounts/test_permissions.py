"""Every company role against every company-scoped action, through the API."""

from urllib.parse import urlencode

import pytest

from accounts.models import Membership
from accounts.models import Role
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

OWNER, ADMIN, MEMBER, VIEWER = Role.OWNER, Role.ADMIN, Role.MEMBER, Role.VIEWER


def target(company, role=Role.MEMBER):
    return MembershipFactory.create(company=company, role=role)


ACTIONS = {
    # name: (allowed roles, request made against the acting user's company)
    "list members": ({OWNER, ADMIN, MEMBER, VIEWER}, lambda c, co: c.get("/api/v1/members/")),
    "rename company": (
        {OWNER, ADMIN},
        lambda c, co: c.patch("/api/v1/companies/current/", {"name": "Renamed"}, format="json"),
    ),
    "delete company": (
        {OWNER},
        lambda c, co: c.delete(f"/api/v1/companies/current/?{urlencode({'confirm': co.name})}"),
    ),
    "list invitations": ({OWNER, ADMIN}, lambda c, co: c.get("/api/v1/invitations/")),
    "invite a member": (
        {OWNER, ADMIN},
        lambda c, co: c.post("/api/v1/invitations/", {"email": "x@example.com"}, format="json"),
    ),
    "invite an owner": (
        {OWNER},
        lambda c, co: c.post(
            "/api/v1/invitations/", {"email": "y@example.com", "role": "owner"}, format="json"
        ),
    ),
    "change a member's role": (
        {OWNER, ADMIN},
        lambda c, co: c.patch(
            f"/api/v1/members/{target(co).pk}/", {"role": "viewer"}, format="json"
        ),
    ),
    "make someone owner": (
        {OWNER},
        lambda c, co: c.patch(
            f"/api/v1/members/{target(co).pk}/", {"role": "owner"}, format="json"
        ),
    ),
    "demote an owner": (
        {OWNER},
        lambda c, co: c.patch(
            f"/api/v1/members/{target(co, OWNER).pk}/", {"role": "member"}, format="json"
        ),
    ),
    "remove a member": (
        {OWNER, ADMIN},
        lambda c, co: c.delete(f"/api/v1/members/{target(co).pk}/"),
    ),
    "remove an owner": (
        {OWNER},
        lambda c, co: c.delete(f"/api/v1/members/{target(co, OWNER).pk}/"),
    ),
    "view activity": ({OWNER, ADMIN}, lambda c, co: c.get("/api/v1/activity/")),
    "search users": ({OWNER, ADMIN}, lambda c, co: c.get("/api/v1/users/search/", {"q": "a"})),
    "create an API token": (
        {OWNER, ADMIN, MEMBER, VIEWER},
        lambda c, co: c.post("/api/v1/tokens/", {"name": "CI"}, format="json"),
    ),
}


@pytest.mark.parametrize("role", [OWNER, ADMIN, MEMBER, VIEWER])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_can_or_cannot_perform_action(action, role, company):
    allowed, perform = ACTIONS[action]
    MembershipFactory.create(
        company=company, role=Role.OWNER
    )  # so the actor is never the last owner
    actor = MembershipFactory.create(company=company, role=role).user

    response = perform(client_for(actor), company)

    if role in allowed:
        assert response.status_code < 400, (response.status_code, response.content)
    else:
        assert response.status_code == 403, (response.status_code, response.content)


def test_an_admin_cannot_demote_or_remove_an_owner_even_indirectly(company, admin, owner):
    owner_membership = Membership.objects.get(user=owner)

    response = client_for(admin).patch(
        f"/api/v1/members/{owner_membership.pk}/", {"role": "viewer"}, format="json"
    )

    assert response.status_code == 403
    assert Membership.objects.get(pk=owner_membership.pk).role == Role.OWNER


def test_the_readme_permission_table_matches_the_enforced_matrix():
    from pathlib import Path

    from accounts.permissions import permission_matrix

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for action, allowed in permission_matrix():
        row = f"| {action} | " + " | ".join("✓" if yes else "—" for yes in allowed) + " |"
        assert row in readme, f"README permission table is out of date: {row}"
