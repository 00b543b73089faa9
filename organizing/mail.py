"""The demo's email backend (`EMAIL_URL=demomail://`, the default with DEBUG on): each message
is one INFO log record a person can read: to, subject, the text body and the links in it.

`make run` sends mail nowhere, it shows it. Django's console backend writes the raw MIME
message to stdout, which a Celery worker logs as one WARNING line per line of it (headers,
quoted-printable soft breaks, the HTML part), so the login code or invitation link the demo
asks you to open is hard to find and looks like a fault. Logged, the block goes through the
same handler as the rest of each process's output, prefixed once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from html import unescape

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.html import strip_tags

logger = logging.getLogger("organizing.mail")

DEMO_EMAIL_URL = "demomail://"
LINK = re.compile(r"""https?://[^\s<>"')\]]+""")


class DemoEmailBackend(BaseEmailBackend):
    """Logs each message at INFO instead of sending it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info("%s", readable(message))
        return len(email_messages)


def readable(message: EmailMessage) -> str:
    """The message as a block of text: who it is for, its subject, its text, its links."""
    text = text_body(message)
    lines = [
        f"Email to {', '.join(message.to) or '(no To)'}: {message.subject}",
        f"  From:    {message.from_email}",
        *header_lines(message),
        f"  Subject: {message.subject}",
        "  " + "-" * 70,
        *(f"  {line}".rstrip() for line in text.strip().splitlines()),
        "  " + "-" * 70,
    ]
    if links := message_links(message, text):
        lines += ["  Links:", *(f"    {link}" for link in links)]
    if names := attachment_names(message):
        lines.append(f"  Attached: {', '.join(names)}")
    return "\n".join(lines)


def header_lines(message: EmailMessage) -> list[str]:
    lines = [f"  Cc:      {', '.join(message.cc)}"] if message.cc else []
    if message.bcc:
        lines.append(f"  Bcc:     {', '.join(message.bcc)}")
    if message.reply_to:
        lines.append(f"  Reply-To: {', '.join(message.reply_to)}")
    return lines


def text_body(message: EmailMessage) -> str:
    """The plain-text body; for an HTML-only message, its text without the tags."""
    body = str(message.body)
    return strip_tags(body) if message.content_subtype == "html" else body


def message_links(message: EmailMessage, text: str) -> list[str]:
    """Every link in the text and in an HTML part, once each, in the order they appear."""
    alternatives = getattr(message, "alternatives", [])
    sources = [text, *(str(content) for content, kind in alternatives if kind == "text/html")]
    if message.content_subtype == "html":
        sources.append(str(message.body))
    found = (unescape(link).rstrip(".,;:") for source in sources for link in LINK.findall(source))
    return list(dict.fromkeys(found))


def attachment_names(message: EmailMessage) -> list[str]:
    names = []
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            names.append(f"{attachment[0] or 'unnamed'} ({attachment[2]})")
        else:  # a MIMEBase part
            names.append(attachment.get_filename() or attachment.get_content_type())
    return names
