"""How the activity list words what happens to conversations (``accounts.activity``)."""

from accounts.activity import quoted
from accounts.activity import register_phrases

register_phrases(
    {
        "conversation.deleted": lambda who, d: (
            f"{who} deleted the chat {quoted(d['title'])} ({d['messages']} messages)."
        ),
    }
)
