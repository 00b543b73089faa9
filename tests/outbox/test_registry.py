"""The outbox knows no area: each kind of message it can send is registered by the area that
plans it. A kind nobody registered would fail at send time ("no email for the kind")."""

from campaigns.models import OutboxMessage
from campaigns.outbox.registry import CATCH_UPS, KINDS


def test_every_kind_of_message_is_registered_by_its_area():
    assert set(KINDS) == set(OutboxMessage.Kind.values)


def test_each_kind_is_registered_from_the_area_that_plans_it():
    areas = {kind: entry.void_reason.__module__ for kind, entry in KINDS.items()}

    assert areas[OutboxMessage.Kind.ACTION_REMINDER] == "campaigns.actions.messages"
    assert areas[OutboxMessage.Kind.NO_SHOW_TWICE] == "campaigns.actions.messages"
    assert areas[OutboxMessage.Kind.SUPPORTER_DROP] == "campaigns.conversations.messages"
    assert areas[OutboxMessage.Kind.LEAD_DIGEST] == "campaigns.nudges.messages"


def test_the_reminders_of_answers_from_emailed_links_catch_up_before_each_dispatch():
    assert [catch_up.__module__ for catch_up in CATCH_UPS] == ["campaigns.actions.messages"]
