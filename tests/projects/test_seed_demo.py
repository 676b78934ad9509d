import pytest
from django.core.management import CommandError
from django.core.management import call_command

from accounts.models import Company
from documents.models import Document
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_seed_demo_populates_once_and_can_run_again(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    company = Company.objects.get(name__endswith="(demo)")
    assert Project.objects.filter(company=company).count() == 6
    assert company.memberships.count() == 4
    documents = Document.objects.filter(company=company)
    assert documents.filter(project__isnull=True).count() == 3
    tender_pack = documents.select_related("project").get(project__isnull=False)
    assert str(tender_pack.project) == "Hospital estates FM"


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Company.objects.exists()
