"""A reminder sent by a real Celery worker reaches a Spanish-speaking member in Spanish, and one
to an English speaker of the same action in English: the worker process renders each message
in its reader's language, from the compiled catalogue, whatever its own default."""

from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest

from campaigns.actions.services.rsvps import rsvp_set
from members.models import PersonEmail
from tests import factories
from tests.conftest import body_text
from tests.members.test_invitation_sending import wait_until
from tests.outbox.test_outbox_faults import (  # noqa: F401  (fixtures)
    all_sent,
    dispatch_at,
    meeting,
    smtp,
    workers,
)
from tests.test_translations import english_on

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def subject(email) -> str:
    return " ".join(str(make_header(decode_header(email["Subject"]))).split())


def test_a_real_worker_reminds_each_member_in_their_own_language(
    committee,
    campaign,
    workers,  # noqa: F811
    smtp,  # noqa: F811
):
    workers.start()
    starts = datetime(2031, 3, 4, 18, 0, tzinfo=ZoneInfo("America/Chicago"))  # a Tuesday
    action = meeting(committee, campaign, starts)
    action.title = "Asamblea en Acme"  # the organizers' words, in no catalogue
    action.save(update_fields=["title"])
    readers = {}
    for name, language in [("Lucía", "es"), ("Sam", "en")]:
        person = factories.person(committee=committee, given_name=name, preferred_language=language)
        address = f"{language}@example.org"
        PersonEmail.objects.create(person=person, email=address, is_primary=True)
        rsvp_set(action=action, person=person, response="yes", source="app")
        readers[language] = address
    day_before = action.reminder_time(24 * 60)
    assert day_before == starts.astimezone(UTC) - timedelta(hours=24)

    assert dispatch_at(day_before) == 2
    smtp.wait_for(2, timeout=30)
    assert wait_until(lambda: all_sent(2))

    by_reader = {message["To"]: message for message in smtp.messages}
    spanish = by_reader[readers["es"]]
    # The worker runs on the real clock, years before the meeting: a date, not "mañana".
    assert subject(spanish) == (
        "Recordatorio: Harbor asamblea general el mar 4 mar 2031 a las 18:00 (America/Chicago)"
    )
    text = body_text(spanish)
    assert text.startswith("Hola, Lucía")
    assert "martes 4 de marzo" in text
    assert english_on(text) == []
    english = by_reader[readers["en"]]
    assert subject(english).startswith("Reminder: Harbor general meeting on ")
    assert body_text(english).startswith("Hi Sam")
