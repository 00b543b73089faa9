"""What the outbox knows of the messages it sends: only what the areas register with it.

The outbox plans, claims, sends and retries rows; it does not know what an action, a
follow-up or a digest is. Each area that plans a kind of message registers, from its
`messages` module (imported when the app is ready), when such a message no longer applies
(then it is voided with that reason, not sent) and what its templates need beyond the common
context, computed at send time so a digest lists what is due when it goes out. A kind nobody
registered fails with the reason instead of going out blank.

An area may also register a catch-up: planning the outbox's tick runs before it hands out due
rows (the reminders of answers saved in one statement from an emailed link).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from campaigns.models import OutboxMessage

VoidReason = Callable[[OutboxMessage, datetime], str]
Context = Callable[[OutboxMessage], dict[str, Any]]
CatchUp = Callable[[], bool]  # True when a full batch says more are waiting


@dataclass(frozen=True)
class MessageKind:
    void_reason: VoidReason
    context: Context | None = None


KINDS: dict[str, MessageKind] = {}
CATCH_UPS: list[CatchUp] = []


def message_kind_register(
    kind: str, *, void_reason: VoidReason, context: Context | None = None
) -> None:
    """Teach the outbox a kind of message. Its templates are emails/<kind>-subject.txt,
    -body.txt and -body.html (and -sms.txt to go by text message)."""
    KINDS[kind] = MessageKind(void_reason=void_reason, context=context)


def catch_up_register(catch_up: CatchUp) -> None:
    """Run `catch_up` at the start of each dispatcher tick (once, however often registered)."""
    if catch_up not in CATCH_UPS:
        CATCH_UPS.append(catch_up)
