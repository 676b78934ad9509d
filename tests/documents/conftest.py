import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents import files


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def tender_pdf() -> bytes:
    return files.pdf([
        ["1. Introduction", "NHS Lothian invites tenders for hospital cleaning across four sites."],
        ["2. Requirements", "Bidders must hold ISO 9001 certification.", "2.1 Social value",
         "Describe apprenticeships offered to local people."],
    ])  # fmt: skip
