from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """BidScript's allauth hooks: the product name in emails, open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def format_email_subject(self, subject: str) -> str:
        return f"[BidScript] {subject}"
