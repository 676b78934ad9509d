from django.core.mail import EmailMessage
from django.core.mail.backends import console


class ReadableConsoleBackend(console.EmailBackend):
    """Development mail: printed as plain text, so links in it can be clicked or copied.

    Django's console backend prints the encoded MIME message, which splits long links
    (quoted-printable soft line breaks).
    """

    def write_message(self, message: EmailMessage) -> None:
        headers = (
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}"
        )
        self.stream.write(f"{headers}\n\n{message.body}\n{'-' * 79}\n")
