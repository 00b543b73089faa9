"""Who on the roster has signed a drive, as of a day: fresh, stale, revoked or not signed.

One rule, in one statement, for every place that counts or marks signatures (the drive's
page, the chart, the dashboard, My list, the filing):

- On the roster that day: an entry added before the day ended and not removed by then
  (in the committee's zone).
- A signature *stands* that day when it was signed on or before it and not revoked on or
  before it. A person with several standing signatures counts once, by the first date.
- Standing and signed within the drive's freshness window (through the same day that many
  months later) is **fresh**; older, **stale**. A petition without a window never goes stale.
- No standing signature but one revoked by then: **revoked**. Otherwise **not signed**.

Thresholds follow the chart's rule (campaigns.roster.selectors.thresholds_reached): fresh
signatures only, whole percent rounded down, and a majority is strictly more than its
percentage: 50 % exactly is not.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

from campaigns.models import RosterEntry, Signature, SignatureRevocation, SignupDrive
from campaigns.roster.selectors import more_needed, thresholds_reached
from members.clock import midnight, today_for

FRESH = "fresh"
STALE = "stale"
REVOKED = "revoked"
UNSIGNED = "unsigned"
STATUSES = (FRESH, STALE, REVOKED, UNSIGNED)

ENTRY = RosterEntry._meta.db_table
SIGNATURE = Signature._meta.db_table
REVOCATION = SignatureRevocation._meta.db_table

# The roster that day, each entry with its status and the date its standing signature was
# signed. Parameters: drive, day, months (NULL: never stale), campaign, ends (the day's end).
STATUS_SQL = f"""
WITH standing AS (
    SELECT s.person_id, min(s.signed_on) AS signed_on
    FROM {SIGNATURE} s
    WHERE s.drive_id = %(drive)s AND s.signed_on <= %(day)s
      AND NOT EXISTS (SELECT 1 FROM {REVOCATION} r
                      WHERE r.signature_id = s.id AND r.revoked_on <= %(day)s)
    GROUP BY s.person_id
), revoked AS (
    SELECT DISTINCT s.person_id
    FROM {SIGNATURE} s JOIN {REVOCATION} r ON r.signature_id = s.id
    WHERE s.drive_id = %(drive)s AND s.signed_on <= %(day)s AND r.revoked_on <= %(day)s
)
SELECT e.person_id, e.unit_id,
       CASE WHEN st.person_id IS NOT NULL THEN
              CASE WHEN %(months)s::integer IS NULL
                     OR st.signed_on + make_interval(months => %(months)s::integer) >= %(day)s
                   THEN '{FRESH}' ELSE '{STALE}' END
            WHEN rv.person_id IS NOT NULL THEN '{REVOKED}'
            ELSE '{UNSIGNED}' END AS status,
       st.signed_on
FROM {ENTRY} e
LEFT JOIN standing st ON st.person_id = e.person_id
LEFT JOIN revoked rv ON rv.person_id = e.person_id
WHERE e.campaign_id = %(campaign)s AND e.added_at < %(ends)s
  AND (e.removed_at IS NULL OR e.removed_at >= %(ends)s)
"""  # noqa: S608 - table names come from the models; values are bound


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
