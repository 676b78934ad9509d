import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CompanyFactory
from tests.factories import MembershipFactory

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def company():
    return CompanyFactory.create(name="Acme Bids")


@pytest.fixture
def other_company():
    return CompanyFactory.create(name="Rival Tenders")


def _member(company, role):
    return MembershipFactory.create(company=company, role=role).user


@pytest.fixture
def owner(company):
    return _member(company, Role.OWNER)


@pytest.fixture
def admin(company):
    return _member(company, Role.ADMIN)


@pytest.fixture
def member(company):
    return _member(company, Role.MEMBER)


@pytest.fixture
def viewer(company):
    return _member(company, Role.VIEWER)


@pytest.fixture
def outsider(other_company):
    return _member(other_company, Role.OWNER)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client
