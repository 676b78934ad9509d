from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from chat import activity  # noqa: F401 - registers the sentences of chat actions
        from chat import selectors  # noqa: F401 - registers how links find a conversation
