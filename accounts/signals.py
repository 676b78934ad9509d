"""Receivers that hand allauth's sign-up and sign-in events to the accounts services."""

from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts.audit import Category
from accounts.audit import Severity
from accounts.audit import activity_record
from accounts.models import User
from accounts.services import company_create_personal


@receiver(user_signed_up, dispatch_uid="accounts.personal_company")
def create_personal_company(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    company_create_personal(user=user)


@receiver(user_logged_in, dispatch_uid="accounts.log_sign_in")
def log_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    activity_record(company=None, actor=user, action="auth.signed_in", category=Category.AUTH)


@receiver(user_login_failed, dispatch_uid="accounts.log_failed_sign_in")
def log_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")
    activity_record(
        company=None, actor=User.objects.filter(email=email.lower()).first(),
        action="auth.sign_in_failed", category=Category.AUTH, severity=Severity.WARNING,
        details={"email": email},
    )  # fmt: skip
