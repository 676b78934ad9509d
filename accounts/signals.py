"""Receivers that hand allauth's sign-up and sign-in events to the accounts services."""

from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts.models import User
from accounts.services import company_create_personal
from accounts.services import sign_in_failed
from accounts.services import signed_in


@receiver(user_signed_up, dispatch_uid="accounts.personal_company")
def create_personal_company(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    company_create_personal(user=user)


@receiver(user_logged_in, dispatch_uid="accounts.log_sign_in")
def log_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    signed_in(user=user)


@receiver(user_login_failed, dispatch_uid="accounts.log_failed_sign_in")
def log_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    sign_in_failed(email=str(credentials.get("email") or credentials.get("username") or ""))
