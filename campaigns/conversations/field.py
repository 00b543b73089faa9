"""Field mode: My list and one-on-one logging on a phone with no signal.

The browser keeps My list and the log pages of the people on it (static/js/field-sw.js, a
service worker) and a queue of logs typed offline (static/js/field-queue.js) that it sends
when the connection is back. Each queued log carries a key the browser made; the server keeps
it with the conversation, so a log sent twice is saved once (services.log.conversation_log_once).

The queue is kept encrypted with a key only this server gives, and only to its user
(`queue_key`): when a session ends the browser forgets the key and the pages, so what waits
is unreadable on the phone until the same organizer logs in again.
"""

import base64
import hashlib
import uuid

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.conversations.services.log import LogKey
from members.models import User

KEY_SALT = "majority.field.queue-key"

# Form fields that are not what was said: the digest of a log leaves them out, so a log sent
# again with a fresh CSRF token, from My list or from its page, is the same log.
NOT_CONTENT = {"csrfmiddlewaretoken", "log_key", "queued_by", "draft_token", "next", "in_place"}

# What a page needs offline besides itself: the service worker keeps these (and only these,
# with the pages) in its cache.
ASSETS = [
    "css/majority.css",
    "css/manage.css",
    "css/people.css",
    "css/chart.css",
    "css/imports.css",
    "css/assessment.css",
    "css/conversations.css",
    "css/mylist.css",
    "css/signups-record.css",
    "css/field.css",
    "js/drafts.js",
    "js/log-draft.js",
    "js/mylist.js",
    "js/signups-record.js",
    "js/field-queue.js",
    "js/field.js",
    "django_htmx/htmx-2.min.js",
    "favicon.svg",
]


def queue_key(user: User) -> str:
    """The AES-256 key (base64) the user's browser encrypts their queued logs with. Derived
    from the server's secret and the user: the same each login, so logs typed before a
    session ended are sent after the next login, and never known to the phone in between."""
    digest = salted_hmac(KEY_SALT, str(user.pk), algorithm="sha256").digest()
    return base64.b64encode(digest).decode()


def log_key_from(post: QueryDict) -> LogKey | None:
    """The key a log was sent with and the digest of what was sent, or None without a key or
    with one that is not a key the browser makes (a UUID)."""
    raw = post.get("log_key", "")
    try:
        key = uuid.UUID(raw)
    except ValueError:
        return None
    if str(key) != raw.lower():
        return None
    content = sorted(
        (name, value) for name in post if name not in NOT_CONTENT for value in post.getlist(name)
    )
    digest = hashlib.sha256(repr(content).encode()).hexdigest()
    return LogKey(key=key, digest=digest)


def asset_urls() -> list[str]:
    return [static(name) for name in ASSETS]


def config(*, on: bool) -> dict[str, object]:
    """What static/js/field.js needs on every page (`on`: this user has a My list to keep)."""
    return {
        "on": on,
        "sw": reverse("service_worker"),
        "session": reverse("field_session"),
        "login": resolve_url(settings.LOGIN_URL),
        "logout": reverse("account_logout"),
        "my_list": reverse("my_list"),
        "words": words(),
    }


def words() -> dict[str, object]:
    """What static/js/field.js says, in the user's language. Counted phrases come as
    [one, other] with %(n)s left for the script to fill."""

    def counted(singular: str, plural: str) -> list[str]:
        return [ngettext(singular, plural, 1), ngettext(singular, plural, 2)]

    return {
        "offline_waiting": counted(
            "Offline — %(n)s conversation will send when you're back online.",
            "Offline — %(n)s conversations will send when you're back online.",
        ),
        "online_waiting": counted(
            "%(n)s conversation is waiting to send.", "%(n)s conversations are waiting to send."
        ),
        "offline": _("Offline — what you log is kept on this phone and sent when you're back."),
        "sent": counted("Sent: %(n)s conversation.", "Sent: %(n)s conversations."),
        "count": counted("%(n)s waiting", "%(n)s waiting"),
        "login": counted(
            "Log in to send %(n)s conversation typed on this phone.",
            "Log in to send %(n)s conversations typed on this phone.",
        ),
        "logout": counted(
            "%(n)s conversation typed on this phone has not been sent. Logging out deletes it "
            "from this phone. Log out anyway?",
            "%(n)s conversations typed on this phone have not been sent. Logging out deletes "
            "them from this phone. Log out anyway?",
        ),
        "queued": _("Saved on this phone. It will send by itself when you're back online."),
        "waiting": _("Waiting to send"),
        "refused": _("Not saved"),
        "typed": _("typed %(when)s"),
        "discard": _("Discard"),
        "fix": _("Fix"),
        "again": _("Save as a new conversation"),
        "discard_confirm": _("Discard this conversation? It was never saved."),
        "saved_at": _("Saved on this phone for offline use at %(time)s."),
        "offline_copy": _("You're offline: this is the copy saved at %(time)s."),
        "failed": _("The server could not save this conversation; it will try again."),
    }
