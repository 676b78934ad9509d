import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["project", "projectmember", "theme"])
def test_bid_models_have_searchable_admin_pages(client, model, bid):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))

    assert client.get(f"/admin/projects/{model}/", {"q": "Lothian"}).status_code == 200
    assert client.get(f"/admin/projects/{model}/").status_code == 200
