from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class ProductSite:
    """The site as account emails name it (what allauth calls ``current_site``)."""

    name: str
    domain: str


def product_site(request: HttpRequest | None) -> ProductSite:
    """``SITE_NAME`` at ``SITE_DOMAIN``, else at the host the request came to."""
    domain = settings.SITE_DOMAIN or (request.get_host() if request is not None else "")
    return ProductSite(name=settings.SITE_NAME, domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    """BidScript's allauth hooks: the product name in emails, open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without this allauth names the site after the request's host ("Hello from
        # 127.0.0.1:8000!"). Not django.contrib.sites: installing it now would stop `migrate`
        # on existing databases (allauth's socialaccount 0001 depends on it when installed).
        site = {"current_site": product_site(allauth_context.request)}
        super().send_mail(template_prefix, email, {**site, **context})
