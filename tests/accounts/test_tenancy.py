import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.tenancy import CompanyScopedApiMixin
from tests.bidscript.test_settings import PRODUCTION_ENV
from tests.bidscript.test_settings import print_setting

pytestmark = pytest.mark.django_db


def test_a_scoped_api_view_cannot_replace_the_company_filter():
    with pytest.raises(TypeError, match="override narrow_queryset instead"):

        class Leaky(CompanyScopedApiMixin):
            def get_queryset(self):
                return Membership.objects.all()


def test_session_authenticated_api_writes_need_the_csrf_token(member):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/api/v1/tokens/", {"name": "CI"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_social_providers_are_offered_only_when_their_credentials_are_set():
    none = print_setting("sorted(settings.SOCIALACCOUNT_PROVIDERS)", PRODUCTION_ENV)
    google = print_setting(
        "sorted(settings.SOCIALACCOUNT_PROVIDERS)",
        {**PRODUCTION_ENV, "GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret"},
    )

    assert none == "[]"
    assert google == "['google']"
