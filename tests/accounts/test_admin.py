import pytest

from accounts.models import Membership
from accounts.models import Role
from accounts.services import token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["user", "company", "membership", "invitation", "apitoken", "activitylog"]
)
def test_every_accounts_model_has_an_admin_page(staff_client, model, owner):
    assert staff_client.get(f"/admin/accounts/{model}/").status_code == 200


def test_the_token_admin_never_shows_the_secret_or_its_hash(staff_client, member, company):
    token, secret = token_create(user=member, company=company, name="CI")

    page = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert token.prefix in page
    assert secret not in page
    assert token.secret_hash not in page


def test_staff_transfer_a_user_between_companies_with_the_admin_action(
    staff_client, company, owner, member, other_company
):
    response = staff_client.post(
        "/admin/accounts/user/",
        {
            "action": "transfer_to_company",
            "_selected_action": [member.pk],
            "apply": "Transfer",
            "source": company.pk,
            "target": other_company.pk,
            "new_owner": owner.pk,
            "role": Role.VIEWER,
        },
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=member).company == other_company
