"""The published OpenAPI schema is true: schemathesis generates requests from it for every
operation, sends them to the app (in-process, as a company owner with a real API token, with a
real bid, document and chat so ids in paths find something) and checks every answer against it."""

import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import negative_data_rejection
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from accounts.models import Membership
from accounts.services import invitation_create
from accounts.services import token_create
from bidscript.wsgi import application
from chat import services as chat
from projects import services as projects
from tests.documents.conftest import ingest

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Routes whose `{id}` is not named after what it identifies.
ID_OWNERS = {"/api/v1/invitations/": "invitation", "/api/v1/members/": "member",
             "/api/v1/tokens/": "token"}  # fmt: skip


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """Like Django's test client: the app answers inside the test's transaction, so requests
    must not close its connection when they finish."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(company, owner, member, settings, tmp_path):
    """A company with a bid (a theme, a writer), a ready document, a chat and an invitation."""
    settings.MEDIA_ROOT = tmp_path
    _, secret = token_create(user=owner, company=company, name="schema check")
    other_token, _ = token_create(user=owner, company=company, name="to revoke")
    bid = projects.project_create(company=company, created_by=owner, name="NHS Lothian FM")
    writer = projects.project_member_set(project=bid, user=member, role="writer", actor=owner)
    text = "# Certificates\n\nWe hold ISO 9001 certification, which expires on 14 March 2027."
    membership = Membership.objects.get(user=owner, company=company)
    invitation, _ = invitation_create(
        company=company, email="new@example.com", role="member", invited_by=owner
    )
    ids = {
        "project_id": bid.pk,
        "theme_id": projects.theme_create(
            project=bid, title="Value", description="", actor=owner
        ).pk,
        "project_member_id": writer.pk,
        "document_id": ingest(company, owner, "iso.md", text, project=bid).pk,
        "conversation_id": chat.conversation_create(membership=membership, project=bid).pk,
        "invitation": invitation.pk,
        "member": Membership.objects.get(user=member).pk,
        "token": other_token.pk,
    }
    return secret, {name: str(value) for name, value in ids.items()}


def use_real_ids(case, ids: dict[str, str]) -> None:
    """Most generated ids become ids of the seeded objects; one in four stays unknown (a 404)."""
    for name, value in (case.path_parameters or {}).items():
        try:
            generated = uuid.UUID(str(value))
        except ValueError:
            continue  # not an id at all: the case is about invalid input
        if generated.int % 4:
            owner = next(
                (o for prefix, o in ID_OWNERS.items() if case.path.startswith(prefix)), name
            )
            case.path_parameters[name] = ids.get(owner, value)


@schema.parametrize()
@settings(
    max_examples=5, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
def test_the_api_answers_as_its_schema_says(case, world):
    secret, ids = world
    use_real_ids(case, ids)
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
