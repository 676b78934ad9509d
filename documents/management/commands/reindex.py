from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from documents.services import documents_requeue


class Command(BaseCommand):
    help = (
        "Queue documents for processing again (parse, chunk, embed, index); needed after "
        "changing the embedding model. Workers pick them up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--all", action="store_true", help="every document not in the trash")
        target.add_argument(
            "--document", action="append", default=[], help="a document id (repeatable)"
        )

    def handle(self, *args: Any, all: bool, document: list[str], **options: Any) -> None:
        try:
            count = documents_requeue(document_ids=None if all else document)
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} document{'s' if count != 1 else ''} queued for processing.")
