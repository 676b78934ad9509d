"""Every company-scoped page and API route, found by walking the URL configuration, answers a
user of another company exactly as it answers an id that does not exist (404), and no list
shows them another company's rows. A new route whose ids are not registered below fails here.
"""

import uuid
from collections.abc import Iterator

import pytest
from django.urls import URLPattern
from django.urls import URLResolver
from django.urls import get_resolver
from django.urls import reverse

from accounts import services
from accounts.models import Invitation
from accounts.models import Membership
from accounts.models import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Routes served by BidScript's own apps (allauth's and the admin's are not tenant data).
OUR_APPS = {"accounts", "bidscript", "projects", "documents", "chat"}
# Routes that take an id which is not a tenant object, and why they are safe.
NOT_TENANT_IDS = {
    "accounts:invitation_accept": "the token in the link is itself the secret",
}
METHODS = ("get", "post", "put", "patch", "delete")


def routes(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from routes(entry, inner)
        elif entry.name and entry.callback.__module__.split(".")[0] in OUR_APPS:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry


def parameters(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", {})
    return list(converters) or list(pattern.pattern.regex.groupindex)


@pytest.fixture
def victim_objects(company, owner, member, settings, tmp_path):
    """One of each tenant object in the victim company, by the id name routes use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chat import services as chat
    from documents import services as documents
    from projects import services as projects

    settings.MEDIA_ROOT = tmp_path
    document = documents.document_upload(
        company=company,
        uploaded_by=owner,
        file=SimpleUploadedFile("policy.txt", b"Our quality policy."),
    )

    project = projects.project_create(company=company, created_by=owner, name="Victim bid")
    theme = projects.theme_create(
        project=project, title="Social value", description="", actor=owner
    )
    project_member = projects.project_member_set(
        project=project, user=member, role="writer", actor=owner
    )
    invitation, _ = services.invitation_create(
        company=company, email="candidate@example.com", role=Role.MEMBER, invited_by=owner
    )
    token, _ = services.token_create(user=member, company=company, name="CI")
    membership = Membership.objects.get(user=member, company=company)
    activity = services.activity_record(
        company=company, actor=owner, action="test", category="company"
    )
    conversation = chat.conversation_create(
        membership=Membership.objects.get(user=owner, company=company), title="Victim chat"
    )
    return {
        "member_id": membership.pk,
        "invitation_id": invitation.pk,
        "token_id": token.pk,
        "api:member": membership.pk,
        "api:invitation": invitation.pk,
        "api:token": token.pk,
        "api:activity": activity.pk,
        "project_id": project.pk,
        "project_member_id": project_member.pk,
        "theme_id": theme.pk,
        "document_id": document.pk,
        "conversation_id": conversation.pk,
    }


def id_key(name: str, parameter: str) -> str:
    if parameter == "pk":
        namespace, route = name.split(":")
        return f"{namespace}:{route.rsplit('-', 1)[0]}"
    return parameter


def detail_routes():
    for name, pattern in routes():
        if parameters(pattern) and name not in NOT_TENANT_IDS:
            yield name, pattern


def test_every_scoped_route_with_an_id_is_known_to_this_test(victim_objects):
    unknown = [
        (name, parameter)
        for name, pattern in detail_routes()
        for parameter in parameters(pattern)
        if id_key(name, parameter) not in victim_objects
    ]
    assert not unknown, f"Register these ids in victim_objects (or NOT_TENANT_IDS): {unknown}"


def test_another_companys_objects_are_404_like_missing_ones_on_every_route(
    victim_objects, outsider
):
    client = client_for(outsider)
    checked = 0
    for name, pattern in detail_routes():
        keys = {parameter: id_key(name, parameter) for parameter in parameters(pattern)}
        foreign = reverse(name, kwargs={p: victim_objects[key] for p, key in keys.items()})
        missing = reverse(name, kwargs={p: uuid.uuid4() for p in keys})
        answers = {method: getattr(client, method)(foreign).status_code for method in METHODS}
        baseline = {method: getattr(client, method)(missing).status_code for method in METHODS}
        assert answers == baseline, f"{name}: {answers} differs from a missing id's {baseline}"
        assert 404 in answers.values(), f"{name} never answers 404: {answers}"
        checked += 1
    assert checked >= 10


def test_another_companys_objects_are_untouched_after_those_requests(
    victim_objects, outsider, company
):
    test_another_companys_objects_are_404_like_missing_ones_on_every_route(victim_objects, outsider)

    assert Membership.objects.filter(pk=victim_objects["member_id"]).exists()
    assert Invitation.objects.get(pk=victim_objects["invitation_id"]).status == "pending"


def test_no_list_shows_another_companys_rows(victim_objects, outsider):
    client = client_for(outsider)
    secrets_of_victim = {str(value) for value in victim_objects.values()}
    for name, pattern in routes():
        if parameters(pattern):
            continue
        response = client.get(reverse(name))
        body = response.content.decode(errors="replace")
        leaked = [value for value in secrets_of_victim if value in body]
        assert not leaked, f"{name} shows another company's ids: {leaked}"
