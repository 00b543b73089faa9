"""The world of the recording tests: campaign Harbor's committee in Los Angeles, its card drive
opened on 1 November 2026, Nina on its team, and the clock at 19:00 on Friday 4 December
there, already Saturday the 5th in UTC (so "today" is the committee's Friday)."""

from datetime import UTC, date, datetime

from campaigns.models import SignupDrive
from campaigns.signups.services import DriveData, drive_create

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)  # the committee's
OPENS = date(2026, 11, 1)


def in_los_angeles(committee) -> None:
    committee.time_zone = "America/Los_Angeles"
    committee.save()


def card_drive(campaign, *, title="Harbor union card", texts=None, opens_on=OPENS, **more):
    return drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title=title,
            texts=texts or {"en": "I authorize the union to represent me."},
            opens_on=opens_on,
            **more,
        ),
        actor=None,
    )
