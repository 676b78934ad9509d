from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents and knowledge"

    def ready(self) -> None:
        from documents import activity  # noqa: F401 - registers the sentences of document actions
        from documents import selectors  # noqa: F401 - registers how links find a document
        from documents import services  # noqa: F401 - registers the stale-job sweeper
        from documents import signals  # noqa: F401 - connects the receivers
