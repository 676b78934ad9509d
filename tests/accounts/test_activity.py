"""The activity list reads as sentences: every action the app records has one."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.activity import PHRASES
from accounts.activity import activity_sentence
from accounts.audit import activity_record
from accounts.models import ActivityLog
from documents import services as documents
from projects import services as projects
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

APPS = ("accounts", "projects", "documents", "chat", "bidscript")
BASE_DIR = Path(__file__).resolve().parents[2]


def recorded_action_codes() -> set[str]:
    """Every "app.action" string passed to activity_record or an app's _record helper."""
    codes = set()
    for app in APPS:
        for source in (BASE_DIR / app).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("_record"):
                    codes |= {
                        inner.value
                        for inner in ast.walk(node)
                        if isinstance(inner, ast.Constant)
                        and isinstance(inner.value, str)
                        and inner.value.count(".") == 1
                        and inner.value.replace(".", "").replace("_", "").isalpha()
                    }
    return codes


def test_every_action_the_app_records_has_a_sentence():
    codes = recorded_action_codes()

    assert len(codes) >= 30
    assert codes <= set(PHRASES), f"No sentence for {sorted(codes - set(PHRASES))}"


@pytest.fixture
def bid(company, owner):
    owner.name = "Ann Lee"
    owner.save()
    return projects.project_create(company=company, created_by=owner, name="Lothian FM")


def latest(company) -> ActivityLog:
    return ActivityLog.objects.filter(company=company).select_related("actor")[0]


def test_a_due_date_change_reads_as_a_sentence(bid, owner, company, settings):
    settings.TIME_ZONE = "Europe/London"
    due = dt.datetime(2027, 3, 14, tzinfo=dt.UTC)
    with timezone.override("Europe/London"):
        projects.project_update(project=bid, actor=owner, due_at=due)

        sentence = latest(company).sentence

    assert sentence == "Ann Lee changed the due date to 14 March 2027 on “Lothian FM”."


def test_several_changes_are_listed_in_one_sentence(bid, owner, company):
    projects.project_update(
        project=bid, actor=owner, client_name="NHS Lothian", value=120000, description="FM"
    )

    assert latest(company).sentence == (
        "Ann Lee changed the client to “NHS Lothian”, edited the description and changed "
        "the contract value to 120,000.00 on “Lothian FM”."
    )


def test_older_entries_without_the_new_values_still_read_well(bid, owner, company):
    entry = activity_record(
        company=company, actor=owner, action="project.updated", category="project",
        details={"name": "Lothian FM", "fields": ["due_at", "value"]},
    )  # fmt: skip

    assert entry.sentence == "Ann Lee changed the due date and contract value of “Lothian FM”."


def test_status_member_and_theme_entries_read_as_sentences(bid, owner, member, company):
    projects.project_transition(project=bid, status="in_progress", actor=owner)
    assert latest(company).sentence == "Ann Lee moved “Lothian FM” from draft to in progress."
    projects.project_member_set(project=bid, user=member, role="reviewer", actor=owner)
    assert latest(company).sentence == f"Ann Lee added {member.email} to “Lothian FM” as reviewer."
    projects.theme_create(project=bid, title="Social value", description="", actor=owner)
    assert latest(company).sentence == "Ann Lee added the win theme “Social value” to “Lothian FM”."


def test_document_entries_name_the_file_and_label(bid, owner, company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = documents.document_upload(
        company=company, uploaded_by=owner, file=SimpleUploadedFile("itt.txt", b"x" * 2048),
        label="primary", project=bid,
    )  # fmt: skip
    assert latest(company).sentence == "Ann Lee uploaded “itt.txt” (2.0\xa0KB) as primary."

    documents.document_update(document=document, actor=owner, label="reference")
    assert (
        latest(company).sentence == "Ann Lee edited the document “itt.txt”: labelled it reference."
    )


def test_an_entry_whose_details_do_not_fit_still_reads(owner, company):
    entry = activity_record(
        company=company, actor=owner, action="project.status_changed", category="project"
    )

    assert activity_sentence(entry).startswith(f"{owner.name}: project status changed")


def test_the_pages_show_sentences_not_codes(bid, owner, company):
    projects.project_update(project=bid, actor=owner, reference="ITT-7")
    client = client_for(owner)

    for url in (f"/bids/{bid.pk}/", "/settings/activity/"):
        page = client.get(url).content.decode()
        assert "Ann Lee changed the reference to “ITT-7” on “Lothian FM”." in page
        assert "project.updated" not in page
        assert "fields:" not in page
