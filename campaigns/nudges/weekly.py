"""What other areas add to the organizers' Monday email (the quiet units' one).

The nudges read no records of the areas above them: an area that knows of people an organizer
should see this week (members whose dues lapsed) registers a list here. The Monday planning
sends the email to everyone some list names, and the email shows each list under the units,
computed again when it is sent, so what was done in between is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from members.models import Committee

# (committee, now) -> the organizer's user id -> the rows listed to them.
Lists = Callable[[Committee, datetime], dict[int, list[Any]]]


@dataclass(frozen=True)
class WeeklyList:
    """`template`: emails/<template>.txt and .html show `rows`; `subject`: the email's
    subject, from how many rows, when it lists no quiet unit."""

    template: str
    lists: Lists
    subject: Callable[[int], str]


WEEKLY: dict[str, WeeklyList] = {}


def weekly_list_register(
    name: str, *, template: str, lists: Lists, subject: Callable[[int], str]
) -> None:
    WEEKLY[name] = WeeklyList(template=template, lists=lists, subject=subject)


def weekly_recipients(committee: Committee, now: datetime) -> set[int]:
    return {user_id for entry in WEEKLY.values() for user_id in entry.lists(committee, now)}


@dataclass(frozen=True)
class WeeklyRows:
    template: str
    rows: list[Any]
    subject: str


def weekly_rows(committee: Committee, now: datetime, user_id: int) -> list[WeeklyRows]:
    """The lists with rows for this user."""
    found = []
    for entry in WEEKLY.values():
        rows = entry.lists(committee, now).get(user_id, [])
        if rows:
            found.append(WeeklyRows(entry.template, rows, entry.subject(len(rows))))
    return found
