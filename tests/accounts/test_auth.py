import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.totp.internal.auth import format_hotp_value
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.totp.internal.auth import hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time
from django.core import mail
from django.test import Client

from accounts.models import ActivityLog
from accounts.models import Company
from accounts.models import Membership
from accounts.models import Role
from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def verified_user(email="ann@example.com"):
    user = UserFactory.create(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_up_creates_a_personal_company_and_requires_email_verification():
    client = Client()

    response = client.post(
        "/accounts/signup/",
        {"email": "Bid.Manager@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    user = User.objects.get(email="bid.manager@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert membership.company.kind == Company.Kind.PERSONAL
    assert "Confirm" in mail.outbox[-1].subject
    assert client.get("/settings/profile/").status_code == 302  # not signed in until verified

    found = re.search(r"http://testserver(/accounts/confirm-email/\S+)", str(mail.outbox[-1].body))
    assert found is not None
    link = found.group(1)
    client.post(link)
    assert client.get("/settings/profile/").status_code == 200


def test_an_unverified_user_cannot_sign_in():
    UserFactory.create(email="unverified@example.com")
    client = Client()

    response = sign_in(client, "unverified@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/settings/profile/").status_code == 302


def test_sign_in_is_logged_with_the_client_ip():
    user = verified_user()

    sign_in(Client(REMOTE_ADDR="203.0.113.9"), user.email)

    entry = ActivityLog.objects.get(actor=user, action="auth.signed_in")
    assert entry.ip == "203.0.113.9"


def test_the_sixth_failed_sign_in_within_five_minutes_is_refused_even_with_the_right_password():
    user = verified_user()
    client = Client()
    for _ in range(5):
        failed = sign_in(client, user.email, password="wrong-password")
        assert b"not correct" in failed.content

    response = sign_in(client, user.email)

    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert client.get("/settings/profile/").status_code == 302
    assert ActivityLog.objects.filter(action="auth.sign_in_failed", actor=user).count() == 5


def current_totp_code(secret):
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the current period, whatever the tolerance
    return format_hotp_value(hotp_value(secret, counter))


def test_with_mfa_on_a_password_alone_does_not_sign_in_and_the_code_does():
    user = verified_user()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()

    response = sign_in(client, user.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/settings/profile/").status_code == 302

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/settings/profile/").status_code == 302

    client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert client.get("/settings/profile/").status_code == 200


def test_the_sign_in_page_uses_the_bidscript_layout():
    response = Client().get("/accounts/login/")

    assert b'class="site-header"' in response.content
    assert b'class="auth-card card"' in response.content


def test_the_verification_email_greets_from_bidscript_not_the_host(settings):
    settings.SITE_DOMAIN = "bids.example.com"

    Client().post(
        "/accounts/signup/",
        {"email": "ann@example.com", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1",
    )

    body = str(mail.outbox[-1].body)
    assert body.startswith("Hello from BidScript!")
    assert "register an account on bids.example.com" in body
    assert "Thank you for using BidScript!" in body
    assert mail.outbox[-1].subject.startswith("[BidScript] ")


def test_without_a_site_domain_the_email_names_the_host_it_was_asked_from():
    Client().post(
        "/accounts/signup/",
        {"email": "ann@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    body = str(mail.outbox[-1].body)
    assert body.startswith("Hello from BidScript!")
    assert "register an account on testserver" in body
