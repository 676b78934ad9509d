"""A demo company with users and bids, so a newcomer sees a populated BidScript."""

import datetime as dt
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Company
from accounts.models import Membership
from accounts.models import Role
from accounts.models import User
from accounts.services import company_create
from documents.models import Document
from documents.services import document_upload
from projects import services
from projects.management.commands._demo_documents import LIBRARY
from projects.management.commands._demo_documents import TENDER_PACK
from projects.models import Project
from projects.models import ProjectMember

DEMO_PASSWORD = "bidscript-demo"  # noqa: S105 - printed for local demos; refused in production
DEMO_COMPANY = "Northwind Facilities (demo)"
PEOPLE = [
    ("dana@demo.bidscript.test", "Dana Okafor", Role.OWNER),
    ("sam@demo.bidscript.test", "Sam Patel", Role.ADMIN),
    ("lee@demo.bidscript.test", "Lee Morgan", Role.MEMBER),
    ("ravi@demo.bidscript.test", "Ravi Iyer", Role.VIEWER),
]
# name, client, reference, status, days until due, value
BIDS = [
    ("Hospital estates FM", "NHS Lothian", "NHSL-FM-2026-07", "in_progress", 9, "4200000"),
    ("Schools catering framework", "Leeds City Council", "LCC-CAT-113", "draft", 21, "1850000"),
    ("Grounds maintenance", "Wakefield Council", "WMDC-GM-44", "submitted", -3, "640000"),
    ("Courts cleaning", "HM Courts & Tribunals Service", "HMCTS-CL-09", "won", -40, "2300000"),
    ("University security", "University of York", "UoY-SEC-2026", "lost", -60, "910000"),
    ("Depot waste services", "Network Rail", "NR-WS-331", "no_bid", 12, None),
]
THEMES = [
    (
        "Social value you can audit",
        "Local hires, apprenticeships and SME spend, reported quarterly.",
    ),
    ("No disruption at mobilisation", "TUPE-ready transition plan proven on three NHS sites."),
    ("Net zero by 2030", "Electric fleet and verified carbon reduction plan."),
]


class Command(BaseCommand):
    help = "Create (or top up) a demo company with users and bids. Safe to run twice; refused in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates users with a known password."
            )
        with transaction.atomic():
            people = [self._person(email, name) for email, name, _ in PEOPLE]
            company = self._company(people)
            for person, (_, _, role) in zip(people, PEOPLE, strict=True):
                Membership.objects.get_or_create(
                    user=person, company=company, defaults={"role": role}
                )
            created = sum(self._bid(company, people, *bid) for bid in BIDS)
            uploaded = self._documents(company, people[0])
        self.stdout.write(
            f"{DEMO_COMPANY}: {len(people)} people, {created} new bids, {uploaded} new documents "
            "(the worker of `make run` processes them)."
        )
        self.stdout.write(
            f"Sign in as {PEOPLE[0][0]} (or any demo address) with password “{DEMO_PASSWORD}”."
        )

    def _person(self, email: str, name: str) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _company(self, people: list[User]) -> Company:
        existing = Company.objects.filter(name=DEMO_COMPANY).first()
        return existing or company_create(name=DEMO_COMPANY, owner=people[0])

    def _documents(self, company: Company, uploader: User) -> int:
        """The demo library, and a tender pack for the first bid; files already there are kept."""
        bid = Project.objects.get(company=company, name=BIDS[0][0])
        wanted = [
            (LIBRARY, None, Document.Label.REFERENCE),
            (TENDER_PACK, bid, Document.Label.PRIMARY),
        ]
        uploaded = 0
        for files, project, label in wanted:
            for name, text in files.items():
                if Document.objects.filter(company=company, filename=name).exists():
                    continue
                document_upload(
                    company=company, uploaded_by=uploader, file=SimpleUploadedFile(name, text.encode()),
                    label=label, project=project,
                )  # fmt: skip
                uploaded += 1
        return uploaded

    def _bid(self, company: Company, people: list[User], name: str, client: str, reference: str,
             status: str, due_in_days: int, value: str | None) -> bool:  # fmt: skip
        if Project.objects.filter(company=company, name=name).exists():
            return False
        lead, writer = people[0], people[2]
        project = services.project_create(
            company=company, created_by=lead, name=name, client_name=client, reference=reference,
            due_at=timezone.now() + dt.timedelta(days=due_in_days),
            value=Decimal(value) if value else None, currency="GBP",
        )  # fmt: skip
        services.project_member_set(
            project=project, user=writer, role=ProjectMember.Role.WRITER, actor=lead
        )
        for title, description in THEMES:
            services.theme_create(project=project, title=title, description=description, actor=lead)
        Project.objects.filter(pk=project.pk).update(status=status)
        return True
