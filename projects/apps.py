from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Bids"

    def ready(self) -> None:
        from projects import activity  # noqa: F401 - registers the sentences of bid actions
        from projects import selectors  # noqa: F401 - registers how links find a bid
        from projects import services  # noqa: F401 - registers the ownership hand-over hook
