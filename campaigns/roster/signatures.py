"""Who on the roster has signed a drive, as of a day: fresh, stale, revoked or not signed.

One rule, in one statement, for every place that counts or marks signatures (the drive's
page, the chart, the dashboard, My list, the filing):

- On the roster that day: an entry added before the day ended and not removed by then
  (in the committee's zone).
- A signature *stands* that day when it was signed on or before it and not revoked on or
  before it. A person with several standing signatures counts once, by the latest: a card
  signed again once the first went stale is fresh (the drive refuses a second one while the
  first is fresh, so within the window the first date is the one kept).
- Standing and signed within the drive's freshness window (through the same day that many
  months later) is **fresh**; older, **stale**. A petition without a window never goes stale.
- No standing signature but one revoked by then: **revoked**. Otherwise **not signed**.

Thresholds follow the chart's rule (campaigns.roster.selectors.thresholds_reached): fresh
signatures only, whole percent rounded down, and a majority is strictly more than its
percentage: 50 % exactly is not.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

from campaigns.models import Campaign, RosterEntry, Signature, SignatureRevocation, SignupDrive
from campaigns.roster.selectors import more_needed, thresholds_reached
from members.clock import midnight, today_for, zone_for

FRESH = "fresh"
STALE = "stale"
REVOKED = "revoked"
UNSIGNED = "unsigned"
STATUSES = (FRESH, STALE, REVOKED, UNSIGNED)

ENTRY = RosterEntry._meta.db_table
SIGNATURE = Signature._meta.db_table
REVOCATION = SignatureRevocation._meta.db_table

DRIVE = SignupDrive._meta.db_table


def status_sql(asof: str) -> str:
    """The rule as SQL: a CTE `rows` of (drive_id, day, person_id, unit_id, status, signed_on),
    everyone on the drive's campaign's roster on the day, for each (drive, day) the `asof`
    statement gives as (drive_id, day, months, campaign_id, ends): months NULL is never
    stale, ends is the day's end in the committee's zone. One rule for one drive on one day
    (STATUS_SQL), a drive over weeks (the trend) and a person on several drives."""
    return f"""
WITH asof AS ({asof}),
standing AS (
    SELECT a.drive_id, a.day, s.person_id, max(s.signed_on) AS signed_on
    FROM asof a JOIN {SIGNATURE} s ON s.drive_id = a.drive_id AND s.signed_on <= a.day
    WHERE NOT EXISTS (SELECT 1 FROM {REVOCATION} r
                      WHERE r.signature_id = s.id AND r.revoked_on <= a.day)
    GROUP BY a.drive_id, a.day, s.person_id
), revoked AS (
    SELECT DISTINCT a.drive_id, a.day, s.person_id
    FROM asof a JOIN {SIGNATURE} s ON s.drive_id = a.drive_id AND s.signed_on <= a.day
    JOIN {REVOCATION} r ON r.signature_id = s.id AND r.revoked_on <= a.day
), rows AS (
    SELECT a.drive_id, a.day, e.person_id, e.unit_id,
           CASE WHEN st.person_id IS NOT NULL THEN
                  CASE WHEN a.months IS NULL
                         OR st.signed_on + make_interval(months => a.months) >= a.day
                       THEN '{FRESH}' ELSE '{STALE}' END
                WHEN rv.person_id IS NOT NULL THEN '{REVOKED}'
                ELSE '{UNSIGNED}' END AS status,
           st.signed_on
    FROM asof a
    JOIN {ENTRY} e ON e.campaign_id = a.campaign_id AND e.added_at < a.ends
                   AND (e.removed_at IS NULL OR e.removed_at >= a.ends)
    LEFT JOIN standing st
           ON st.drive_id = a.drive_id AND st.day = a.day AND st.person_id = e.person_id
    LEFT JOIN revoked rv
           ON rv.drive_id = a.drive_id AND rv.day = a.day AND rv.person_id = e.person_id
)"""  # noqa: S608 - table names come from the models; values are bound


# The roster that day, each entry with its status and the date its standing signature was
# signed. Parameters: drive, day, months (NULL: never stale), campaign, ends (the day's end).
STATUS_SQL = (
    status_sql(  # noqa: S608 - the rule; values are bound
        "SELECT %(drive)s::bigint AS drive_id, %(day)s::date AS day,"
        " %(months)s::integer AS months, %(campaign)s::bigint AS campaign_id,"
        " %(ends)s::timestamptz AS ends"
    )
    + " SELECT person_id, unit_id, status, signed_on FROM rows"
)


def fresh_through(signed_on: date, months: int | None) -> date:
    """The last day a signature counts as fresh (date.max: never stale): the same day
    `months` later, or that month's last day, as Postgres adds months in the rule."""
    if months is None:
        return date.max
    month = signed_on.month - 1 + months
    year, month = signed_on.year + month // 12, month % 12 + 1
    return date(year, month, min(signed_on.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class SignatureRow:
    person_id: int
    unit_id: int | None
    status: str
    signed_on: date | None  # the standing signature's date (fresh or stale)


@dataclass
class Tally:
    """How a group of people on the roster stands on a drive."""

    thresholds: tuple[int, int, int]
    people: int = 0
    fresh: int = 0
    stale: int = 0
    revoked: int = 0

    def count(self, status: str) -> None:
        self.people += 1
        self.fresh += status == FRESH
        self.stale += status == STALE
        self.revoked += status == REVOKED

    def absorb(self, other: "Tally") -> None:
        self.people += other.people
        self.fresh += other.fresh
        self.stale += other.stale
        self.revoked += other.revoked

    @property
    def unsigned(self) -> int:
        return self.people - self.fresh - self.stale - self.revoked

    @property
    def percent(self) -> int:
        """Fresh signatures in whole percent, rounded down: 49.9 % is not half."""
        return self.fresh * 100 // self.people if self.people else 0

    @property
    def reached(self) -> int:
        """How many thresholds are met, in order (0–3)."""
        return thresholds_reached(self.fresh, self.people, self.thresholds)

    def needed(self, threshold: int) -> int:
        """How many more fresh signatures meet the threshold at index 0, 1 or 2."""
        return more_needed(self.fresh, self.people, self.thresholds, threshold)

    @property
    def next_needed(self) -> int:
        """How many more reach the next threshold not met (0 when all are)."""
        return self.needed(self.reached) if self.reached < len(self.thresholds) else 0

    @property
    def goals(self) -> list[tuple[int, bool, int]]:
        """Each threshold: its percentage, whether it is met, and how many more meet it."""
        reached = self.reached
        return [
            (at, index < reached, self.needed(index)) for index, at in enumerate(self.thresholds)
        ]


def drive_today(drive: SignupDrive) -> date:
    """The committee's today: the day a drive is counted as of unless another is asked."""
    return today_for(drive.campaign.committee)


def signature_rows(drive: SignupDrive, *, day: date | None = None) -> list[SignatureRow]:
    """Everyone on the drive's campaign's roster that day (today by default), with where
    they stand on it: one query."""
    committee = drive.campaign.committee
    day = day or today_for(committee)
    params: dict[str, Any] = {
        "drive": drive.pk,
        "day": day,
        "months": drive.fresh_months,
        "campaign": drive.campaign_id,
        "ends": midnight(day + timedelta(days=1), committee),
    }
    with connection.cursor() as cursor:
        cursor.execute(STATUS_SQL, params)
        return [SignatureRow(*row) for row in cursor.fetchall()]


def signature_statuses(drive: SignupDrive, *, day: date | None = None) -> dict[int, str]:
    """Each person on the roster that day by id: their status (the chart's marks)."""
    return {row.person_id: row.status for row in signature_rows(drive, day=day)}


def tally(drive: SignupDrive, rows: Iterable[SignatureRow]) -> Tally:
    """The rows counted together."""
    total = Tally(drive.thresholds)
    for row in rows:
        total.count(row.status)
    return total


def tally_by_unit(drive: SignupDrive, rows: Iterable[SignatureRow]) -> dict[int | None, Tally]:
    """The rows counted per unit they are placed in (None: placed in no unit)."""
    tallies: dict[int | None, Tally] = {}
    for row in rows:
        tallies.setdefault(row.unit_id, Tally(drive.thresholds)).count(row.status)
    return tallies


# The trend: as of each day from `first` to `last` a week apart (ends: the next midnight in
# the committee's zone), how many were fresh, stale, revoked and on the roster.
TREND_SQL = (
    status_sql(  # noqa: S608 - the rule; values are bound
        "SELECT %(drive)s::bigint AS drive_id, d::date AS day, %(months)s::integer AS months,"
        " %(campaign)s::bigint AS campaign_id,"
        " ((d::date + 1)::timestamp AT TIME ZONE %(zone)s) AS ends"
        " FROM generate_series(%(first)s::date, %(last)s::date, interval '7 days') d"
    )
    + f""" SELECT a.day, count(r.person_id),
       count(*) FILTER (WHERE r.status = '{FRESH}'),
       count(*) FILTER (WHERE r.status = '{STALE}'),
       count(*) FILTER (WHERE r.status = '{REVOKED}')
FROM asof a LEFT JOIN rows r ON r.day = a.day
     AND (%(units)s::bigint[] IS NULL OR r.unit_id = ANY(%(units)s::bigint[]))
GROUP BY a.day ORDER BY a.day"""  # noqa: S608 - statuses are our constants
)


@dataclass(frozen=True)
class TrendPoint:
    day: date
    tally: Tally


def signature_trend(
    drive: SignupDrive,
    *,
    weeks: int = 12,
    last: date | None = None,
    units: list[int] | None = None,
) -> list[TrendPoint]:
    """The drive counted as of the end of each of the last `weeks` weeks (the last one ends
    today, or on `last`), oldest first, of the people placed in `units` (None: everyone):
    one query, the rule of signature_rows."""
    committee = drive.campaign.committee
    last = last or today_for(committee)
    params: dict[str, Any] = {
        "drive": drive.pk,
        "months": drive.fresh_months,
        "campaign": drive.campaign_id,
        "zone": zone_for(committee).key,
        "first": last - timedelta(weeks=weeks - 1),
        "last": last,
        "units": units,
    }
    with connection.cursor() as cursor:
        cursor.execute(TREND_SQL, params)
        return [
            TrendPoint(day, Tally(drive.thresholds, people, fresh, stale, revoked))
            for day, people, fresh, stale, revoked in cursor.fetchall()
        ]


# Several drives (of one committee) on one day: the rule's `asof` for PEOPLE_SQL and TALLY_SQL.
DRIVES_ASOF = (
    f"SELECT d.id AS drive_id, %(day)s::date AS day, d.fresh_months AS months,"  # noqa: S608
    f" d.campaign_id, %(ends)s::timestamptz AS ends"
    f" FROM {DRIVE} d WHERE d.id = ANY(%(drives)s)"
)
PEOPLE_SQL = (
    status_sql(DRIVES_ASOF)  # noqa: S608 - the rule; values are bound
    + " SELECT drive_id, person_id, unit_id, status, signed_on FROM rows"
    " WHERE person_id = ANY(%(people)s)"
)
TALLY_SQL = (
    status_sql(DRIVES_ASOF)  # noqa: S608 - the rule; values are bound
    + f""" SELECT a.drive_id, count(r.person_id),
       count(*) FILTER (WHERE r.status = '{FRESH}'),
       count(*) FILTER (WHERE r.status = '{STALE}'),
       count(*) FILTER (WHERE r.status = '{REVOKED}')
FROM asof a LEFT JOIN rows r ON r.drive_id = a.drive_id
GROUP BY a.drive_id"""  # noqa: S608 - statuses are our constants
)


def drives_tally(drives: list[SignupDrive], *, day: date) -> dict[int, Tally]:
    """Each drive (of one committee) counted as a whole that day, by drive id: one query,
    however many drives."""
    if not drives:
        return {}
    committee = drives[0].campaign.committee
    params: dict[str, Any] = {
        "drives": [drive.pk for drive in drives],
        "day": day,
        "ends": midnight(day + timedelta(days=1), committee),
    }
    with connection.cursor() as cursor:
        cursor.execute(TALLY_SQL, params)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    return {drive.pk: Tally(drive.thresholds, *found[drive.pk]) for drive in drives}


def people_statuses(
    person_ids: list[int], drives: list[SignupDrive], *, day: date
) -> dict[tuple[int, int], SignatureRow]:
    """Some people on several drives (of one committee) that day, by (drive id, person id):
    one query. Whoever is not on a drive's campaign's roster that day is left out."""
    if not drives or not person_ids:
        return {}
    committee = drives[0].campaign.committee
    params: dict[str, Any] = {
        "drives": [drive.pk for drive in drives],
        "day": day,
        "ends": midnight(day + timedelta(days=1), committee),
        "people": person_ids,
    }
    with connection.cursor() as cursor:
        cursor.execute(PEOPLE_SQL, params)
        return {(row[0], row[1]): SignatureRow(*row[1:]) for row in cursor.fetchall()}


def person_statuses(
    person_id: int, drives: list[SignupDrive], *, day: date
) -> dict[int, SignatureRow]:
    """One person on several drives that day, by drive id: one query."""
    rows = people_statuses([person_id], drives, day=day)
    return {drive_id: row for (drive_id, _person), row in rows.items()}


def drive_open_on(drive: SignupDrive, day: date) -> bool:
    """Whether a drive is running on `day`: opened, not yet closed (a drive a lead closed is
    no longer current, even on the day it was closed)."""
    return (
        drive.closed_at is None
        and drive.opens_on <= day
        and (drive.closes_on is None or drive.closes_on >= day)
    )


def drives_open(campaign: Campaign) -> list[SignupDrive]:
    """The campaign's drives running today, the most recent first (the chart's and the
    dashboard's current drive): one query."""
    day = today_for(campaign.committee)
    drives = SignupDrive.objects.filter(campaign=campaign, closed_at__isnull=True).order_by(
        "-opens_on", "-pk"
    )
    found = [drive for drive in drives if drive_open_on(drive, day)]
    for drive in found:
        drive.campaign = campaign  # counted with the campaign already read
    return found


def drive_current(drives: list[SignupDrive], chosen: str | None = None) -> SignupDrive | None:
    """The drive asked for by id (`?drive=`) among `drives`, else the most recent."""
    by_id = {str(drive.pk): drive for drive in drives}
    return by_id.get(chosen or "") or (drives[0] if drives else None)
