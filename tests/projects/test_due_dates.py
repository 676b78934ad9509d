"""A due date in the past must be confirmed before it is saved, and open bids past their due
date are marked overdue on the dashboard, the bid list and the bid's page."""

import datetime as dt

import pytest
from django.utils import timezone

from projects import services
from projects.models import Project
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

KEEP = "Keep this due date although it has passed"


def form_data(due_at: dt.datetime, **extra):
    local = timezone.localtime(due_at)
    return {"name": "Courts FM", "currency": "GBP", "due_at": f"{local:%Y-%m-%dT%H:%M}", **extra}


def yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)


def test_creating_a_bid_due_yesterday_asks_for_confirmation_and_saves_nothing(owner):
    response = client_for(owner).post("/bids/new/", form_data(yesterday()))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This date has passed" in page
    assert KEEP in page
    assert not Project.objects.exists()


def test_a_confirmed_past_due_date_is_saved(owner):
    response = client_for(owner).post("/bids/new/", form_data(yesterday(), keep_past_due="on"))

    assert response.status_code == 302
    assert Project.objects.get().due_at is not None


def test_a_future_due_date_needs_no_confirmation_and_the_box_is_not_shown(owner):
    client = client_for(owner)
    assert KEEP not in client.get("/bids/new/").content.decode()

    response = client.post("/bids/new/", form_data(timezone.now() + dt.timedelta(days=3)))

    assert response.status_code == 302


def test_editing_a_bid_whose_due_date_already_passed_does_not_ask_again(bid, owner):
    past = yesterday().replace(second=0, microsecond=0)
    services.project_update(project=bid, actor=owner, due_at=past)

    response = client_for(owner).post(
        f"/bids/{bid.pk}/edit/", form_data(past, name="Lothian FM renamed")
    )

    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.name == "Lothian FM renamed"


def test_moving_a_due_date_into_the_past_on_edit_asks_for_confirmation(bid, owner):
    response = client_for(owner).post(f"/bids/{bid.pk}/edit/", form_data(yesterday()))

    assert "This date has passed" in response.content.decode()
    bid.refresh_from_db()
    assert bid.due_at is None


def test_open_bids_past_their_due_date_are_marked_overdue(bid, owner, company):
    services.project_update(project=bid, actor=owner, due_at=yesterday())
    closed = services.project_create(
        company=company, created_by=owner, name="Old win", due_at=yesterday()
    )
    for status in ("in_progress", "submitted", "won"):
        services.project_transition(project=closed, status=status, actor=owner)
    client = client_for(owner)

    dashboard = client.get("/dashboard/").content.decode()
    bid_list = client.get("/bids/").content.decode()
    bid_page = client.get(f"/bids/{bid.pk}/").content.decode()

    assert 'Overdue <span class="badge badge--danger">1</span>' in dashboard
    assert dashboard.count('badge--danger">Overdue</span>') == 2  # in "Overdue" and "Your bids"
    assert bid_list.count(">Overdue</span>") == 1  # the won bid is not overdue
    assert ">Overdue</span>" in bid_page


def test_a_bid_that_falls_due_while_the_list_is_cached_shows_overdue(bid, owner, monkeypatch):
    services.project_update(
        project=bid, actor=owner, due_at=timezone.now() + dt.timedelta(minutes=5)
    )
    client = client_for(owner)
    assert ">Overdue</span>" not in client.get("/bids/").content.decode()

    later = timezone.now() + dt.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert ">Overdue</span>" in client.get("/bids/").content.decode()
