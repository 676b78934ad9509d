import io

from django.core.mail import EmailMessage

from bidscript.mail import ReadableConsoleBackend


def test_development_mail_prints_long_links_whole():
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "Mg:1vMxyz" * 12 + "/"
    stream = io.StringIO()
    message = EmailMessage(
        "Confirm", f"Go to {link}", "noreply@bidscript.test", ["ann@example.com"]
    )

    ReadableConsoleBackend(stream=stream, alias="default").send_messages([message])

    assert link in stream.getvalue()
    assert "Subject: Confirm" in stream.getvalue()
