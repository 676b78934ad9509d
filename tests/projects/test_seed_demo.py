import pytest
from django.core.management import CommandError
from django.core.management import call_command

from accounts.models import Company
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_seed_demo_populates_once_and_can_run_again(settings):
    settings.DEBUG = True

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    company = Company.objects.get(name__endswith="(demo)")
    assert Project.objects.filter(company=company).count() == 6
    assert company.memberships.count() == 4


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Company.objects.exists()
