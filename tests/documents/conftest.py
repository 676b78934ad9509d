import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from tests.documents import files


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def ingest(company, user, name: str, text: str, **fields):
    """A text document uploaded and ingested right away (no worker), ready to search."""
    document = services.document_upload(
        company=company, uploaded_by=user, file=upload(name, text.encode()), **fields
    )
    return services.document_ingest(document_id=document.pk)


def tender_pdf() -> bytes:
    heading = files.Heading
    return files.pdf([
        [heading("1. Introduction"), "NHS Lothian invites tenders for hospital cleaning across four sites."],
        [heading("2. Requirements"), "Bidders must hold ISO 9001 certification.", heading("2.1 Social value"),
         "Describe apprenticeships offered to local people."],
    ])  # fmt: skip
